"""The 智能问答 panel in Chromium, on the demo portal served as ``tongda serve`` serves it.

The demo content is built with the plugins the panel needs and served by ``build_app``
under uvicorn (the server's own Content-Security-Policy, the real Q&A function). The panel
is used by keyboard only; new answers are announced in the polite status region while
focus stays in the question box; it passes axe in every display mode, reflows at 320 px,
keeps elder mode's target sizes, and without JavaScript is a link to the FAQ list.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from a11y.axe import AxeRunner, find_axe
from a11y.browser import start_chrome
from functions.runtime import auth
from functions.runtime.db import make_engine
from tests.browser_testlib import wait_js as wait
from tests.conftest import ROOT
from tests.functions.qa.qa_testlib import build_demo
from tests.portal_server import serve_portal

pytestmark = [pytest.mark.integration, pytest.mark.browser]

#: The plugins the demo is built with for the panel (a list in mkdocs.yml).
PLUGINS = "  - tongda\n  - tongda-search\n  - tongda-complaint\n  - tongda-qa\n"
WATCH = """
window.__blocked = [];
document.addEventListener('securitypolicyviolation', (e) => window.__blocked.push(
  'CSP ' + e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', (e) => window.__blocked.push('error ' + e.message), true);
"""
MODES = json.loads((ROOT / "themes/tongda/assets/modes.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("qa-panel")
    build_demo(folder, plugins=PLUGINS, site_url=None)
    db = f"sqlite:///{folder / 'db.sqlite3'}"
    with serve_portal(folder / "site", db) as base:
        yield base, db


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with start_chrome(width=1280, height=900) as chrome:
        chrome.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        yield chrome


def open_panel(driver: Any, base: str) -> None:
    driver.get(base + "qa/")
    wait(driver, "!document.querySelector('.td-qa__form').hidden")


def tab_to(driver: Any, selector: str, limit: int = 80) -> Any:
    """Press Tab until the element matching ``selector`` has focus (keyboard only)."""
    target = driver.find_element(By.CSS_SELECTOR, selector)
    for _ in range(limit):
        if driver.switch_to.active_element == target:
            return target
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"{selector} is not reachable by Tab")


def ask(driver: Any, question: str, turns: int) -> None:
    box = tab_to(driver, "#td-qa-q")
    box.send_keys(question, Keys.ENTER)
    wait(driver, f"document.querySelectorAll('.td-qa__turn').length === {turns}")
    time.sleep(0.2)  # the status region is filled just after the answer


def status(driver: Any) -> str:
    return str(wait(driver, "document.querySelector('.td-qa__status').textContent"))


def test_a_question_asked_by_keyboard_is_answered_and_announced_politely(driver: Any,
                                                                         portal: tuple[str, str]) -> None:
    base, _ = portal
    open_panel(driver, base)
    region = driver.find_element(By.CSS_SELECTOR, ".td-qa__status")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    ask(driver, "我要换身份证", 1)
    assert driver.switch_to.active_element.get_attribute("id") == "td-qa-q"  # focus stays
    assert status(driver) == "已找到答案：居民身份证换领"
    turn = driver.find_element(By.CSS_SELECTOR, ".td-qa__turn")
    assert turn.find_element(By.TAG_NAME, "h3").text == "您问：我要换身份证"
    facts = turn.find_element(By.CSS_SELECTOR, ".td-qa__facts").text
    assert "办理时限" in facts and "收费" in facts and "申请材料" in facts
    first = tab_to(driver, ".td-qa__answer-title a")
    assert first.get_attribute("href").endswith("/services/id-card-renewal/")
    good = tab_to(driver, ".td-qa__feedback button")
    good.send_keys(Keys.SPACE)
    wait(driver, "document.querySelector('.td-qa__status').textContent === '感谢您的评价。'")
    assert good.get_attribute("aria-pressed") == "true"
    assert driver.execute_script("return window.__blocked") == []


def test_a_typo_is_answered_with_a_notice_and_a_bare_topic_is_asked_back(
        driver: Any, portal: tuple[str, str]) -> None:
    base, _ = portal
    open_panel(driver, base)
    ask(driver, "身分证补办", 1)
    assert "已按“身份证补办”回答" in driver.find_element(By.CSS_SELECTOR, ".td-qa__notice").text
    ask(driver, "身份证", 2)
    assert status(driver).startswith("需要您选择：")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".td-qa__turn:last-child .td-qa__choices a")) >= 2


def test_what_it_cannot_answer_goes_to_a_consultant_and_the_answer_comes_back(
        driver: Any, portal: tuple[str, str]) -> None:
    base, db = portal
    open_panel(driver, base)
    ask(driver, "今天天气怎么样", 1)
    assert status(driver) == "暂时回答不了这个问题，您可以提交给工作人员。"
    tab_to(driver, "#td-qa-contact-1").send_keys("13812345678")
    tab_to(driver, ".td-qa__submit button").send_keys(Keys.ENTER)
    result = wait(driver, "document.querySelector('.td-qa__submit-result').textContent")
    assert result.startswith("已提交。问题编号 ZX")
    qid = driver.find_element(By.ID, "td-qa-lookup-id").get_attribute("value")
    assert qid and driver.find_element(By.ID, "td-qa-lookup-code").get_attribute("value")

    engine = make_engine(db)
    token = auth.create_token(engine, "咨询员", ["consultant"])
    engine.dispose()
    import httpx

    answered = httpx.post(f"{base}api/qa/questions/{qid}/answer", json={"answer": "请关注气象部门发布的天气预报。"},
                          headers={"Authorization": f"Bearer {token}"})
    assert answered.status_code == 200, answered.text
    tab_to(driver, ".td-qa__lookup button").send_keys(Keys.ENTER)
    wait(driver, "document.querySelector('.td-qa__lookup-result').textContent.startsWith('工作人员的答复')")
    assert "天气预报" in driver.find_element(By.CSS_SELECTOR, ".td-qa__lookup-result").text


def test_the_panel_passes_axe_in_every_look_and_reflows_at_320_px(driver: Any,
                                                                   portal: tuple[str, str]) -> None:
    base, _ = portal
    axe = AxeRunner(find_axe(start=ROOT))
    open_panel(driver, base)
    for n, q in enumerate(("我要换身份证", "身份证", "今天天气怎么样"), 1):
        ask(driver, q, n)
    for mode in MODES:
        driver.execute_script(
            "for (const [k, v] of Object.entries(arguments[0])) document.documentElement.setAttribute(k, v);",
            mode["attrs"])
        found = [(v["id"], [x["target"] for x in v["nodes"]][:3]) for v in axe.run(driver)["violations"]]
        assert found == [], (mode["name"], found)
        driver.execute_script(
            "for (const k of Object.keys(arguments[0])) document.documentElement.removeAttribute(k);",
            mode["attrs"])
    driver.set_window_size(320, 800)
    try:
        driver.execute_script("document.documentElement.setAttribute('data-td-mode', 'elder')")
        time.sleep(0.3)
        assert driver.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        heights = driver.execute_script(
            "return [...document.querySelectorAll('.td-qa__input, .td-qa__form .td-qa__button')]"
            ".map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 60, heights
    finally:
        driver.execute_script("document.documentElement.removeAttribute('data-td-mode')")
        driver.set_window_size(1280, 900)
    assert driver.execute_script("return window.__blocked") == []


def test_without_javascript_the_panel_is_a_link_to_the_faq_list(portal: tuple[str, str]) -> None:
    base, _ = portal
    with start_chrome(width=1280, height=900) as plain:
        plain.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        plain.get(base + "qa/")
        assert not plain.find_element(By.CSS_SELECTOR, ".td-qa__form").is_displayed()
        note = plain.find_element(By.CSS_SELECTOR, ".td-qa__nojs")
        assert note.is_displayed() and "JavaScript" in note.text
        href = note.find_element(By.TAG_NAME, "a").get_attribute("href")
        assert href == base + "faqs/"
        plain.get(href)
        assert plain.find_elements(By.CSS_SELECTOR, "main a[href*='faqs/']")


def test_the_panel_file_is_served_from_the_site(portal: tuple[str, str]) -> None:
    site = Path(portal[1].removeprefix("sqlite:///")).parent / "site"
    assert (site / "components/qa/qa.js").is_file() and (site / "components/qa/qa.css").is_file()

"""The policy calculator used by keyboard only, and its answers against ``/api/match/match``.

An enterprise and a person fill in the demo portal's calculator with the keyboard (Tab,
arrow keys, Space, typing, Enter), as a citizen without a mouse would: districts are
chosen by name (滨江区), an amount is typed as 800万, a checkbox group is left unticked.
The browser's results (order, verdict, each condition's outcome, amount) must equal what
the server answers for the same answers, and the answers the browser hands to the
application page (``#answers=…``) must be the profile the server was sent.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

pytestmark = [pytest.mark.integration, pytest.mark.browser]
VERDICT = {"yes": True, "maybe": None, "no": False}

RESULTS_JS = """
return [...document.querySelectorAll('.td-calculator__list > .td-calculator__item')].map(li => ({
  id: li.dataset.policy,
  verdict: li.querySelector('.td-calculator__verdict').className.match(/--(yes|maybe|no)/)[1],
  text: li.querySelector('.td-calculator__verdict').textContent,
  conditions: [...li.querySelectorAll('.td-calculator__conditions li')].map(c => c.dataset.result),
  amount: [...li.querySelectorAll('p')].map(p => p.textContent).find(t => t.startsWith('预计可获得')) || null,
  answers: [...li.querySelectorAll('a')].map(a => a.getAttribute('href')).find(h => h.includes('#answers=')) || null,
}));
"""


def _keys(driver: Any, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def _active(driver: Any) -> dict[str, str]:
    return driver.execute_script(  # type: ignore[no-any-return]
        "const a = document.activeElement; return {name: a.name || '', value: a.value || '',"
        " type: a.type || a.tagName.toLowerCase(), text: (a.closest('label') || a).textContent.trim()}")


def _tab_to(driver: Any, name: str, value: str | None = None, limit: int = 80) -> None:
    """Press Tab until the control named ``name`` (with ``value``) has the focus."""
    for _ in range(limit):
        here = _active(driver)
        if here["name"] == name and (value is None or here["value"] == value):
            return
        _keys(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {name}={value}; focus on {_active(driver)}")


def _choose(driver: Any, name: str, label: str) -> None:
    """Move a focused <select> to the option shown as ``label`` with the arrow keys."""
    _tab_to(driver, name)
    labels = driver.execute_script(
        "return [...document.activeElement.options].map(o => o.textContent.trim())")
    for _ in range(labels.index(label)):
        _keys(driver, Keys.ARROW_DOWN)
    assert driver.execute_script(
        "const s = document.activeElement; return s.options[s.selectedIndex].textContent.trim()") == label


def _type(driver: Any, name: str, text: str) -> None:
    _tab_to(driver, name)
    _keys(driver, text)


def _tick(driver: Any, name: str, value: str) -> None:
    _tab_to(driver, name, value)
    _keys(driver, Keys.SPACE)


def _results(driver: Any) -> list[dict[str, Any]]:
    for _ in range(50):
        found = driver.execute_script(RESULTS_JS)
        if found:
            return found  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("no results shown")


def _server(portal: str, subject: str, profile: dict[str, Any]) -> list[dict[str, Any]]:
    response = httpx.post(portal + "api/match/match", json={"subject": subject, "profile": profile})
    assert response.status_code == 200, response.text
    return response.json()["results"]  # type: ignore[no-any-return]


def _yuan(fen: int) -> str:
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" + (f".{cents:02d}" if cents else "") + "元"


def _compare(shown: list[dict[str, Any]], served: list[dict[str, Any]]) -> None:
    assert [r["id"] for r in shown] == [r["policy"]["id"] for r in served]
    for mine, theirs in zip(shown, served, strict=True):
        assert VERDICT[mine["verdict"]] is theirs["eligible"], mine
        assert mine["conditions"] == [c["result"] for c in theirs["conditions"]], mine
        expected = None if theirs["amount"] is None else f"预计可获得：{_yuan(theirs['amount'])}"
        assert (mine["amount"] or "").startswith(expected or "") and bool(mine["amount"]) == \
            (expected is not None), mine
        counts = [f"{theirs[k]} 项{w}" for k, w in (("unmet", "未满足"), ("met", "已满足"),
                                                  ("unknown", "待确认")) if theirs[k]]
        if theirs["eligible"] is True:
            counts = [f"全部 {theirs['met']} 项条件都已满足"] if theirs["met"] else ["没有限制条件"]
        assert all(c in mine["text"] for c in counts), mine["text"]
        assert "匹配度" not in mine["text"]


def _answers(shown: list[dict[str, Any]]) -> dict[str, Any]:
    link = next(r["answers"] for r in shown if r["answers"])
    return json.loads(unquote(link.split("#answers=", 1)[1]))  # type: ignore[no-any-return]


def _start(driver: Any, portal: str) -> None:
    driver.get(portal + "calculator/")
    driver.execute_script("localStorage.clear()")
    driver.get(portal + "calculator/")
    for _ in range(50):
        if driver.execute_script("return !document.querySelector('.td-calculator__form').hidden"):
            break
        time.sleep(0.1)
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    _tab_to(driver, "subject")


def test_an_enterprise_by_keyboard_gets_the_servers_answer(browser: Any, portal: str) -> None:
    _start(browser, portal)
    _choose(browser, "industry", "制造业")
    _choose(browser, "district", "滨江区")
    _type(browser, "years", "6")
    _type(browser, "employees", "60人")
    _type(browser, "revenue", "800万")
    _tick(browser, "tags", "高新技术企业")
    _keys(browser, Keys.SHIFT + Keys.TAB)  # back into revenue, whose Enter submits the form
    _tab_to(browser, "revenue")
    _keys(browser, Keys.ENTER)
    shown = _results(browser)
    profile = {"industry": "制造业", "district": "390102", "years": 6, "employees": 60,
               "revenue": 800_000_000, "tags": ["高新技术企业"]}
    assert _answers(shown) == {"subject": "enterprise", "profile": profile}
    served = _server(portal, "enterprise", {**profile, "district": "滨江区"})
    _compare(shown, served)
    district = [c for r in served for c in r["conditions"] if c["id"] == "district"]
    assert "met" in {c["result"] for c in district}  # 滨江区 is 390102, as the rules say
    assert browser.execute_script("return document.activeElement.id") == \
        "td-calculator-results-title"


def test_a_person_by_keyboard_gets_the_servers_answer(browser: Any, portal: str) -> None:
    _start(browser, portal)
    _keys(browser, Keys.ARROW_RIGHT)  # the subject radio group: 企业 → 个人
    assert _active(browser)["value"] == "person"
    _type(browser, "age", "85")
    _choose(browser, "household", "本市户籍")
    _choose(browser, "district", "滨江区")
    _tab_to(browser, "age")  # back up the form (Shift+Tab) to submit from a text box
    _keys(browser, Keys.ENTER)
    shown = _results(browser)
    profile = {"age": 85, "household": "本市户籍", "district": "390102"}
    served = _server(portal, "person", {**profile, "district": "滨江区"})
    _compare(shown, served)
    allowance = next(r for r in shown if r["id"] == "binjiang-elderly-allowance-2022")
    assert allowance["verdict"] == "yes" and allowance["amount"].startswith("预计可获得：100元")
    assert _answers(shown) == {"subject": "person", "profile": profile}
    # 身份 (a checkbox group) was left unticked: unknown, not unmet, in both.
    status = [c for r in served for c in r["conditions"] if "status" in c["missing"]]
    assert status and {c["result"] for c in status} == {"unknown"}


def test_none_of_the_options_is_an_answer_and_unticked_is_not(browser: Any, portal: str) -> None:
    _start(browser, portal)
    _tick(browser, "tags", "")  # 以上都没有
    _tab_to(browser, "revenue")
    _keys(browser, "1,200万元", Keys.ENTER)
    shown = _results(browser)
    _compare(shown, _server(portal, "enterprise", {"tags": [], "revenue": 1_200_000_000}))
    assert _answers(shown)["profile"] == {"tags": [], "revenue": 1_200_000_000}

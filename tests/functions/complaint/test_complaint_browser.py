"""随手拍 in real headless Chromium against the portal on loopback (site and function on
one origin, the portal's CSP): a report filed by keyboard only, with a photo, read back on
the status page, then rated; the form axe-clean, reflowing at 320 px, big in elder mode."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from complaint_testlib import photo

from a11y.axe import AxeRunner, find_axe
from a11y.browser import reset_viewport, set_viewport
from functions.complaint.app import create_app
from functions.complaint.workflow import Actor
from functions.runtime.http import Hygiene
from functions.runtime.server import Portal
from functions.runtime.settings import Settings
from tests.browser_testlib import wait_js as wait_for
from tests.portal_server import serve_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    sys.path.insert(0, str(ROOT / "tests/site_builder/plugins/complaint"))
    from test_complaint_plugin import complaint_project

    root = complaint_project(tmp_path_factory.mktemp("complaint-browser") / "portal")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    database = tmp_path_factory.mktemp("complaint-db") / "tongda.sqlite3"
    app = create_app(Settings(database_url=f"sqlite:///{database}", rate_limit=0))
    with serve_app(Hygiene(Portal(root / "site", {"complaint": app})), log_level="error") as origin:
        yield f"{origin}/", app


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver: Any, script: str, limit: int = 120) -> Any:
    """Press Tab until the focused element satisfies ``script`` (given ``el``)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        press(driver, Keys.TAB)
        if driver.execute_script(f"var el = document.activeElement; return {script};"):
            return driver.switch_to.active_element
    raise AssertionError(f"Tab never reached: {script}")


def choose(driver: Any, select_id: str, value: str) -> None:
    """Move a focused select's choice with the arrow keys until it is ``value``."""
    from selenium.webdriver.common.keys import Keys

    tab_to(driver, f"el.id === '{select_id}'")
    for _ in range(30):
        if driver.execute_script(f"return document.getElementById('{select_id}').value") == value:
            return
        press(driver, Keys.ARROW_DOWN)
    raise AssertionError(f"{select_id} never became {value}")


def text(driver: Any, field: str) -> str:
    return str(driver.execute_script(
        f"return document.querySelector('[data-field={field}]').textContent"))


def test_file_a_report_by_keyboard_with_a_photo_and_read_it_back(
        driver: Any, portal: tuple[str, Any], tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    base, app = portal
    picture = tmp_path / "路面.jpg"
    picture.write_bytes(photo(gps=None))
    driver.get(base + "complaint/")
    wait_for(driver, "document.querySelector('.td-complaint--ready')")
    choose(driver, "td-complaint-service", "road-damage")
    # Only the chosen kind's questions are shown (and sent).
    assert driver.execute_script("return document.querySelector("
                                 "'[data-service=garbage]').disabled")
    choose(driver, "td-complaint-road-damage-severity", "danger")
    tab_to(driver, "el.id === 'td-complaint-description'")
    press(driver, "江滨路人行道塌陷约一米见方，照片里能看到塌陷处和积水。")
    tab_to(driver, "el.id === 'td-complaint-address'")
    press(driver, "滨江区江滨路 8 号门口")
    tab_to(driver, "el.id === 'td-complaint-photo'").send_keys(str(picture))
    tab_to(driver, "el.id === 'td-complaint-phone'")
    press(driver, "13800138000")
    tab_to(driver, "el.type === 'submit'")
    press(driver, Keys.ENTER)

    wait_for(driver, "location.pathname.indexOf('/complaint/status/') === 0")
    wait_for(driver, "!document.querySelector('.td-complaint__report').hidden")
    assert text(driver, "service_name") == "道路破损"
    assert text(driver, "stage_label") == "待分拨"  # an address alone: triage
    assert "一米见方" in text(driver, "description")
    assert driver.execute_script("return !document.querySelector('.td-complaint__photo').hidden")
    image = driver.execute_script("return document.querySelector('[data-field=media_url]').href")
    assert "/api/complaint/media/" in image
    history = driver.execute_script(
        "return Array.from(document.querySelectorAll('.td-complaint__history li'),"
        " li => li.textContent)")
    assert "已收到您反映的问题" in history[0]
    assert "13800138000" not in driver.page_source

    # Staff assign and close it; the reporter rates it by keyboard on the same page.
    rid = text(driver, "service_request_id")
    workflow = app.state.complaint.workflow
    workflow.assign(Actor("staff:1:分拨", None), rid, "BJ-JB-01")
    workflow.close(Actor("staff:2:李工", None), rid, "已修复")
    driver.refresh()
    wait_for(driver, "!document.querySelector('.td-complaint__rating').hidden")
    tab_to(driver, "el.name === 'score'")
    press(driver, Keys.SPACE)  # the first choice, 非常满意
    tab_to(driver, "el.type === 'submit' && el.closest('.td-complaint__rating')")
    press(driver, Keys.ENTER)
    wait_for(driver, "document.querySelector('.td-complaint__rating').hidden")
    assert driver.execute_script("return document.activeElement.id") == "td-complaint-report-title"
    assert "评价：5 分" in driver.execute_script(
        "return document.querySelector('.td-complaint__history').textContent")


def test_the_form_is_axe_clean_reflows_at_320_px_and_is_big_in_elder_mode(
        driver: Any, portal: tuple[str, Any]) -> None:
    base, _ = portal
    driver.get(base + "complaint/")
    wait_for(driver, "document.querySelector('.td-complaint--ready')")
    result = AxeRunner(find_axe(start=ROOT)).run(driver)
    assert result["violations"] == [], result["violations"]
    set_viewport(driver, 320, 640)
    try:
        driver.get(base + "complaint/")
        wait_for(driver, "document.querySelector('.td-complaint--ready')")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 320
        driver.execute_script("document.documentElement.setAttribute('data-td-mode', 'elder')")
        height = driver.execute_script("return document.querySelector("
                                       "'.td-complaint__form button[type=submit]')"
                                       ".getBoundingClientRect().height")
        assert height >= 60
    finally:
        reset_viewport(driver)

"""The real demo portal under the server's own Content-Security-Policy, in Chromium.

The demo is built with every plugin and served by ``build_app`` under uvicorn, exactly as
``tongda serve`` and a deployment serve it (so the policy under test is the one the
server sends, not a copy). Each kind of page is opened and used: the toolbar's modes,
search with suggestions, the calculator, the audio player, the policy graph. Nothing may
be blocked: no ``securitypolicyviolation`` event, no script error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from a11y.browser import start_chrome
from functions.runtime.http import CONTENT_SECURITY_POLICY
from tests.conftest import build_demo
from tests.portal_server import serve_portal

pytestmark = [pytest.mark.integration, pytest.mark.browser]

#: Recorded from the first moment of every document: blocked loads, inline code, eval…
WATCH = """
window.__blocked = [];
document.addEventListener('securitypolicyviolation', (e) => window.__blocked.push(
  'CSP ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
window.addEventListener('error', (e) => window.__blocked.push('error ' + e.message), true);
window.addEventListener('unhandledrejection', (e) => window.__blocked.push('rejection ' + e.reason));
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_demo(tmp_path_factory.mktemp("csp") / "site")
    with serve_portal(site, f"sqlite:///{site.parent / 'db.sqlite3'}") as url:
        yield url


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with start_chrome(width=1280, height=900,
                      extra_args=["--autoplay-policy=no-user-gesture-required"]) as chrome:
        chrome.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        yield chrome


def _open(driver: Any, url: str) -> None:
    driver.get(url)
    _settle(driver)


def _settle(driver: Any, seconds: float = 0.8) -> None:
    """Let scripts, fetches and the reports of anything blocked run their course."""
    time.sleep(seconds)


def _blocked(driver: Any) -> list[str]:
    return list(driver.execute_script("return window.__blocked || []"))


def _click(driver: Any, selector: str) -> None:
    driver.find_element(By.CSS_SELECTOR, selector).click()
    _settle(driver, 0.3)


def _use_toolbar(driver: Any) -> None:
    _click(driver, '.td-entries__open[data-td-action="toolbar"]')
    for setting, value in (("mode", "elder"), ("gray", "on"), ("cursor", "large"),
                           ("guide", "on"), ("scheme", "yellow-black")):
        _click(driver, f'#td-toolbar [data-td-set="{setting}"][data-td-value="{value}"]')
    driver.find_element(By.TAG_NAME, "main").click()  # the reading guide follows the pointer


def test_the_server_sends_the_policy_the_browser_enforces(driver: Any, base: str) -> None:
    _open(driver, base)
    enforced = driver.execute_script(
        "return performance.getEntriesByType('navigation')[0].name")
    assert enforced.startswith(base)
    # The page is the server's: had the policy not been sent, the probe would run.
    driver.execute_script("""
      const s = document.createElement('script'); s.textContent = 'window.__inline = 1';
      document.head.appendChild(s);""")
    _settle(driver, 0.3)
    assert driver.execute_script("return window.__inline") is None
    assert any("script-src" in b for b in _blocked(driver))
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY


def _search(driver: Any, base: str) -> bool:
    _open(driver, base + "search/?q=身份证")
    driver.find_element(By.ID, "td-search-input").send_keys("护照")  # the header box suggests
    _settle(driver)
    query = driver.find_element(By.ID, "td-search-q")
    query.clear()
    query.send_keys("护照到期", Keys.ENTER)
    _settle(driver, 1.5)
    return bool(driver.find_elements(By.CSS_SELECTOR, ".td-search__body a"))


def _calculator(driver: Any, base: str) -> bool:
    _open(driver, base + "calculator/")
    driver.find_element(By.CSS_SELECTOR, "[name=revenue]").send_keys("3000")
    driver.find_element(By.CSS_SELECTOR, "[name=years]").send_keys("5")
    driver.find_element(By.CSS_SELECTOR, "input[name=tags][value=高新技术企业]").click()
    driver.find_element(By.CSS_SELECTOR, ".td-calculator__form [type=submit]").click()
    _settle(driver)
    return bool(driver.find_elements(
        By.CSS_SELECTOR, ".td-calculator__results:not([hidden]) .td-calculator__item"))


def _audio(driver: Any, base: str) -> bool:
    _open(driver, base + "policies/linjiang-stable-jobs-2025/")
    _click(driver, "[data-td-player=continuous]")
    _settle(driver, 1.0)
    playing = driver.execute_script(
        "const a = document.querySelector('.td-player audio'); return a && a.currentTime > 0")
    _click(driver, "[data-td-player=stop]")
    _use_toolbar(driver)
    _click(driver, '#td-toolbar [data-td-set="caption"][data-td-value="on"]')
    return bool(playing)


def _graph(driver: Any, base: str) -> bool:
    _open(driver, base + "graph/")
    driver.find_element(By.ID, "td-graph-q").send_keys("稳就业", Keys.ENTER)
    _settle(driver)
    _click(driver, ".td-graph-explorer__result-list [data-id]")
    return bool(driver.find_elements(By.CSS_SELECTOR, ".td-graph-explorer__picture svg circle"))


def _home(driver: Any, base: str) -> bool:
    _open(driver, base)
    _use_toolbar(driver)
    return driver.execute_script(  # the toolbar's settings took hold
        "return document.documentElement.getAttribute('data-td-mode') === 'elder'") is True


def test_every_kind_of_page_works_under_the_policy(driver: Any, base: str) -> None:
    blocked: dict[str, list[str]] = {}
    works: dict[str, bool | str] = {}
    for name, use in (("home + toolbar", _home), ("search", _search),
                      ("calculator", _calculator), ("policy + audio + caption", _audio),
                      ("graph", _graph)):
        try:
            works[name] = use(driver, base)
        except WebDriverException as exc:  # a control that never came to life
            works[name] = exc.msg or type(exc).__name__
        blocked[name] = _blocked(driver)
    for page in ("services/", "faqs/", "text/", "a-z/", "accessibility.html", "no/such/page/"):
        _open(driver, base + page)
        blocked[page] = _blocked(driver)
    assert not {page: found for page, found in blocked.items() if found}
    assert all(ok is True for ok in works.values()), works

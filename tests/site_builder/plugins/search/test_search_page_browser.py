"""The results page in headless Chromium: keyboard, live region, headings, notice."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

import shutil
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from a11y.browser import serve_directory
from tests.conftest import FIXTURES, tongda

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("portal") / "portal-small"
    shutil.copytree(FIXTURES / "portal-small", root)
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace("plugins:\n", "plugins:\n  - tongda-search\n", 1),
                   "utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    with serve_directory(root / "site") as base:
        yield base.rstrip("/") + "/"


def status_text(driver: WebDriver) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d: WebDriver) -> str | bool:
        el = d.find_element("css selector", "[data-module=td-search-page] [role=status]")
        return el.text if ("找到" in el.text or "没有找到" in el.text) else False

    return str(WebDriverWait(driver, 20).until(done))


def test_results_are_announced_and_each_has_a_heading(driver: WebDriver, base_url: str) -> None:
    driver.get(base_url + "search/?q=" + quote("护照"))
    text = status_text(driver)
    links = driver.find_elements("css selector", ".td-search__results li h2 a")
    assert f"找到 {len(links)} 条" in text
    assert links and all((a.get_attribute("href") or "").startswith(base_url) for a in links)
    assert not driver.find_element("css selector", ".td-search__nojs").is_displayed()


def test_typing_and_enter_submits_the_get_form(driver: WebDriver, base_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(base_url + "search/")
    box = driver.find_element("id", "td-search-q")
    box.send_keys("huzhao" + Keys.ENTER)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("?q=huzhao"))
    status_text(driver)
    notice = driver.find_element("css selector", ".td-search__notice").text
    assert notice.startswith("已为您显示“护照”的结果，仍搜索“huzhao”")


def test_filters_work_from_the_keyboard(driver: WebDriver, base_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    driver.get(base_url + "search/?q=" + quote("护照"))
    status_text(driver)
    driver.find_element("css selector", ".td-search__refine summary").send_keys(Keys.ENTER)
    box = driver.find_element("css selector", "fieldset input[name=kind][value=service]")
    box.send_keys(Keys.SPACE)
    driver.find_element("css selector", ".td-search__filters button").send_keys(Keys.ENTER)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: "kind=service" in d.current_url)
    status_text(driver)
    metas = [m.text for m in driver.find_elements("css selector", ".td-search__meta")]
    assert metas and all(m.startswith("办事指南") for m in metas)

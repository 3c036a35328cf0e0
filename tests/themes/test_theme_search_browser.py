"""The header combobox fed by the real search runtime (``tongda-search``) in Chromium."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from theme_testlib import FIXTURE, ROOT

from a11y.browser import serve_directory

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dest = tmp_path_factory.mktemp("theme-search") / "site"
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(FIXTURE / "mkdocs-search.yml"), "-d", str(dest)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    with serve_directory(dest, headers={"Content-Security-Policy": "default-src 'self'"}) as url:
        yield url


def wait_for(driver: Any, script: str, timeout: float = 5.0) -> Any:
    end = time.monotonic() + timeout
    while not (value := driver.execute_script(script)) and time.monotonic() < end:
        time.sleep(0.05)
    return value


def test_suggestions_from_the_index_at_any_depth(driver: Any, base: str) -> None:
    from selenium.webdriver.common.keys import Keys

    for page in ("", "policies/city-travel-2023/"):
        driver.get(base + page)
        field = driver.find_element("id", "td-search-input")
        field.click()
        field.send_keys("护")
        assert wait_for(driver, "return document.getElementById('td-search-input').getAttribute('aria-expanded') === 'true'")
        options = [o.text for o in driver.find_elements("css selector", "#td-search-list [role=option]")]
        assert options and all(o.startswith("护") for o in options), options
        status = driver.find_element("id", "td-search-status").get_attribute("textContent")
        assert status == f"有{len(options)}条建议，用上下方向键选择"
    field.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert wait_for(driver, "return location.pathname.endsWith('/search/') && location.search.length > 3")
    assert wait_for(driver, "return (document.querySelector('[role=status]:not(:empty)') || {}).textContent")

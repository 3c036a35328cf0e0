"""The report pages in real headless Chromium: axe-core finds nothing, and they reflow at 320 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.components import missing
from tests.conftest import tongda

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("quality-browser") / "portal"
    shutil.copytree(FIXTURES / "portal-small", root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - tongda-quality\n", encoding="utf-8")
    result = tongda("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.parametrize("url", ["report/", "report/quality.html"])
def test_axe_finds_no_violation(site: Path, driver, url: str) -> None:
    from a11y.axe import AxeNotFound, AxeRunner, find_axe
    from a11y.browser import serve_directory, set_viewport

    try:
        axe = AxeRunner(find_axe())
    except AxeNotFound as exc:
        missing(f"axe-core ({exc})")
    with serve_directory(site) as base:
        set_viewport(driver, 1280, 900)
        driver.get(base.rstrip("/") + "/" + url)
        result = axe.run(driver)
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []
        assert driver.execute_script("return document.querySelectorAll('figure svg[role=img]').length") >= 3


@pytest.mark.parametrize("url", ["report/", "report/quality.html"])
def test_reflows_at_320_css_px(site: Path, driver, url: str) -> None:
    from a11y.browser import serve_directory, set_viewport

    with serve_directory(site) as base:
        driver.get(base.rstrip("/") + "/" + url)
        set_viewport(driver, 320, 800)
        overflow = driver.execute_script(
            "const w = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('main *')]"
            ".filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName).slice(0, 5)")
        assert overflow == []
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 320

"""Imported content builds into a site with the core plugin, without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from site_builder.importer import import_folder
from tests.conftest import tongda

pytestmark = pytest.mark.integration

LAWS = Path(__file__).parents[2] / "fixtures" / "import-src" / "laws"


def test_imported_fixture_builds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    import_folder(LAWS, content)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: 导入测试\ndocs_dir: content\nsite_dir: site\ntheme:\n  name: tongda\n"
        "markdown_extensions:\n  - tables\nplugins:\n  - tongda\n", encoding="utf-8")
    result = tongda("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = next((tmp_path / "site" / "policies").glob("dian-li-jian-guan-tiao-li-*/index.html"))
    doc = html.fromstring(page.read_text(encoding="utf-8"))
    assert len(doc.findall(".//h1")) == 1
    assert doc.findtext(".//h1").strip() == "电力监管条例"
    assert "中华人民共和国国务院令第432号" in doc.text_content()
    old = next((tmp_path / "site" / "policies").glob(
        "jin-chu-kou-*-20190302-*/index.html"))
    assert "已被替代" in old.read_text(encoding="utf-8")

from __future__ import annotations

import pytest

from site_builder.content.frontmatter import FrontMatterError, parse

pytestmark = pytest.mark.unit


def test_lines_of_keys_and_list_items() -> None:
    doc = parse("---\nid: a\nmaterials:\n  - name: x\n  - name: y\n---\n# T\n正文\n")
    assert doc.meta["materials"][1] == {"name": "y"}
    assert doc.line_of(("id",)) == 2
    assert doc.line_of(("materials", 1, "name")) == 5
    assert doc.line_of(("materials", 1, "missing")) == 5
    assert doc.body_line == 7
    assert doc.body == "# T\n正文\n"


def test_no_front_matter_is_all_body() -> None:
    doc = parse("# 标题\n")
    assert doc.meta == {} and doc.body == "# 标题\n"


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(FrontMatterError) as info:
        parse("---\nid: a\ntitle: [unclosed\nlevel: x\n---\n")
    assert info.value.line >= 3


def test_unterminated_front_matter() -> None:
    with pytest.raises(FrontMatterError):
        parse("---\nid: a\n")


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(FrontMatterError):
        parse("---\n- a\n- b\n---\n")

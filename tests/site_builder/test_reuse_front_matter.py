"""A rebuild after an edit to front matter only: every page that shows it follows.

``test_reuse`` edits a title. Here the edit is a ``supersedes`` line in one policy's front
matter, which changes the status of another policy whose file is untouched: the pages
listing that policy (a scenario page, the listings, the search index) must say 已被替代 on
a rebuild, exactly as a fresh build does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_builder.test_reuse import build, differences

pytestmark = pytest.mark.integration


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_status_changed_from_another_files_front_matter_reaches_every_page(project) -> None:
    root = project("portal-small")
    assert build(root) == 0
    scenario = root / "site/scenarios/going-abroad/index.html"
    assert "已被替代" not in scenario.read_text(encoding="utf-8")
    _edit(root / "content/policies/district-old.md", "based_on: [city-travel-2019]",
          "based_on: [city-travel-2019]\nsupersedes: [passport-law]")
    assert build(root) > 0  # the untouched pages are reused
    page = scenario.read_text(encoding="utf-8")
    law = page[page.index("中华人民共和国护照法</a>"):]
    assert law[:law.index("</li>")].endswith('td-tag--inactive">已被替代</strong></span>')
    assert build(root, "-d", "fresh-site") == 0
    assert differences(root / "site", root / "fresh-site") == []

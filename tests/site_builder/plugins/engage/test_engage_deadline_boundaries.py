"""The comment form is on a draft's page on its last day (截止日含当天), and gone the day after.

``test_engage_plugin`` builds before the deadline and after it, never on the day itself;
the comments function takes comments up to the end of that day, so a page built on it
must still offer the form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_builder.plugins.engage.test_engage_plugin import _build, _copy, _edit

pytestmark = pytest.mark.integration


def test_the_form_is_offered_on_the_last_day(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    _edit(project, 'today: "2026-12-07"', 'today: "2026-12-10"', "mkdocs.yml")  # ends 12-10
    site = tmp_path / "site"
    _build(project, site)
    page = (site / "policies/silver-draft/index.html").read_text(encoding="utf-8")
    assert "<form" in page.split('id="td-consult"')[1]
    assert 'action="../../api/engage/consultations/silver-draft/comments"' in page
    assert "consult-summary.js" not in page

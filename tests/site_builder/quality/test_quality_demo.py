"""The demo portal's content is clean: an editor's new warning is never lost among old ones.

The quality report's own tests keep their seeded mistakes (``clean_docs`` plus one change
per rule, and the a11y-seeded fixture); the demo content in ``content/`` carries none.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, tongda

pytestmark = pytest.mark.integration


def test_the_demo_content_has_no_warning_and_no_notice() -> None:
    done = tongda("check", "--format", "json", "-f", str(ROOT / "mkdocs.yml"), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    left = [f"{f['path']}:{f['line']}: [{f['rule']}] {f['message']}" for f in report["findings"]]
    assert (report["summary"]["errors"], report["summary"]["warnings"],
            report["summary"]["notices"]) == (0, 0, 0), left

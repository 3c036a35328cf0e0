"""``tongda build`` of a large site converts plain text and runs the static accessibility
rules in processes of their own, while it renders the next pages: the site is the same.

The demo (436 pages) is below the size where that starts, so the same sources are built
twice: as ``tongda build`` builds them, and in this process with both plugins told that
any site is large. Every file but the build report must be equal, and so must every
accessibility finding; the second build must really have used both processes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.build import without_audio
from site_builder.commands.build import build_site
from site_builder.plugins.a11y import plugin as a11y_plugin
from site_builder.plugins.text import plugin as text_plugin
from tests.site_builder.test_rebuild_equals_fresh import build, demo, differences, fresh_copy

pytestmark = pytest.mark.integration


def findings(site: Path) -> list[dict[str, object]]:
    return json.loads((site / "report" / "a11y.json").read_text("utf-8"))["findings"]  # type: ignore[no-any-return]


def test_processes_of_their_own_make_the_same_site(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = demo(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(without_audio(config.read_text("utf-8")), "utf-8")
    # A page with a finding, so the findings compared are not an empty list.
    guide = root / "content" / "services" / "passport-application.md"
    guide.write_text(guide.read_text("utf-8") + "\n\n## 小结\n\n#### 跳级的标题\n\n正文。\n",
                     "utf-8")
    apart = fresh_copy(root, tmp_path / "apart")
    assert build(root) == 0

    monkeypatch.setattr(a11y_plugin, "APART_FROM", 0)
    monkeypatch.setattr(text_plugin, "APART_FROM", 0)
    monkeypatch.setattr(a11y_plugin, "EARLY_BATCH", 7)
    # Every page to the conversion process, however fast this machine renders (by
    # default the build converts a page itself while that process is behind).
    monkeypatch.setattr(text_plugin, "AHEAD", 10**6)
    monkeypatch.setattr(text_plugin, "INLINE", 0)
    sent: list[int] = []
    send = text_plugin.TextPlugin._send

    def counted(self: text_plugin.TextPlugin) -> None:
        sent.append(len(self._batch) if self._setup is not None else 0)
        send(self)

    monkeypatch.setattr(text_plugin.TextPlugin, "_send", counted)
    monkeypatch.chdir(apart)
    build_site(str(apart / "mkdocs.yml"))

    assert differences(root / "site", apart / "site") == []
    expected = findings(root / "site")
    assert any(f["rule"] == "heading-order" for f in expected), expected
    assert findings(apart / "site") == expected
    a11y = json.loads((apart / "site" / "report" / "a11y.json").read_text("utf-8"))["stats"]
    assert a11y["static_early"] > a11y["pages"] // 2, a11y  # checked while being written
    assert sum(sent) == len(list((apart / "site" / "text").rglob("*.html"))), sent

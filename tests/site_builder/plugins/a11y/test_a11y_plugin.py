"""The build's static accessibility rules: run beside the rest of ``post_build`` in a
process of their own (inline in ``tongda serve``), their findings logged and their report
written before the quality report reads it; a failed build does not wait for them."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from site_builder.plugins.a11y import plugin as a11y_plugin
from site_builder.plugins.a11y.plugin import A11yPlugin
from site_builder.plugins.core import cancel
from tests.conftest import FIXTURES, process_ends

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded site is small: count it as large enough for a process of its own."""
    monkeypatch.setattr(a11y_plugin, "APART_FROM", 0)


def _plugin(tmp_path: Path) -> tuple[A11yPlugin, MkDocsConfig]:
    root = tmp_path / "seeded"
    shutil.copytree(FIXTURES / "a11y-seeded", root)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["tongda-a11y"]
    assert isinstance(plugin, A11yPlugin)
    return plugin, config


@pytest.mark.parametrize("serving", [False, True], ids=["build", "serve"])
def test_findings_are_logged_and_the_report_written(tmp_path: Path, serving: bool,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    plugin, config = _plugin(tmp_path)
    with cancel.serving(serving), \
            caplog.at_level(logging.INFO, logger="mkdocs.plugins.tongda.a11y"):
        plugin._start(config=config)
        assert (plugin._pool is None) == serving  # a process of its own in a build
        plugin._finish(config=config)
    lines = [r.getMessage() for r in caplog.records]
    assert any("policies/no-alt.md:9" in ln and "img-alt" in ln for ln in lines), lines
    assert any(ln.startswith("静态规则") for ln in lines)
    assert (Path(config.site_dir) / "report" / "a11y.json").is_file()
    assert plugin._pool is None


def test_a_small_site_runs_them_in_the_build_process(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(a11y_plugin, "APART_FROM", 1000)
    plugin, config = _plugin(tmp_path)
    plugin._pages = 999
    plugin._start(config=config)
    assert plugin._pool is None
    plugin._finish(config=config)
    assert (Path(config.site_dir) / "report" / "a11y.json").is_file()


def test_a_failed_build_stops_the_rules_without_waiting(tmp_path: Path) -> None:
    plugin, config = _plugin(tmp_path)
    plugin._start(config=config)
    assert plugin._pool is not None
    workers = list(plugin._pool._processes.values())  # type: ignore[attr-defined]
    assert workers
    plugin.on_build_error(error=RuntimeError("stopped"))
    assert plugin._pool is None and plugin._running is None
    for worker in workers:  # terminated: gone within seconds, not after its work
        assert process_ends(worker), worker
    plugin._finish(config=config)  # nothing left to collect: nothing logged, no error


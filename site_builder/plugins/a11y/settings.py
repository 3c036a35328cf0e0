"""Turn the plugin's options (and a few command-line switches) into :class:`a11y.runner.Settings`.

Kept apart from the plugin so ``tongda a11y`` can read ``mkdocs.yml`` without loading every
other plugin of the site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from a11y.browser_checks import BrowserOptions
from a11y.errors import A11yConfigError
from a11y.runner import Settings
from a11y.site import load_modes
from site_builder.errors import ConfigError
from site_builder.plugins.a11y.config import A11yConfig

PLUGIN_NAME = "tongda-a11y"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving ``!ENV``/``!relative``/python tags (not needed here)."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def read_project(config_file: Path | None) -> tuple[dict[str, Any], Path]:
    """Read ``mkdocs.yml`` (or nothing) and return ``(raw dict, project folder)``."""
    if config_file is None:
        return {}, Path.cwd()
    try:
        raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{config_file}{line}: YAML 无法解析: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_file}: 顶层须为映射")
    return raw, config_file.resolve().parent


def cache_dir_of(raw: dict[str, Any], project: Path) -> Path:
    """The build cache folder: the core plugin's ``cache_dir``, default ``.tongda-cache``."""
    folder = plugin_options(raw, "tongda").get("cache_dir") or ".tongda-cache"
    return project / str(folder)


def plugin_options(raw: dict[str, Any], name: str = PLUGIN_NAME) -> dict[str, Any]:
    """The ``name`` entry of ``plugins`` (a list or a mapping), or ``{}``."""
    plugins = raw.get("plugins") or []
    items = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in plugins)
    for key, options in items:
        if key == name:
            return dict(options or {})
    return {}


def validated_config(options: dict[str, Any], where: str) -> A11yConfig:
    """Validate plugin options like MkDocs would; errors become one :class:`ConfigError`."""
    cfg = A11yConfig(config_file_path=where)
    cfg.load_dict(options)
    errors, _warnings = cfg.validate()
    if errors:
        lines = [f"{where}: plugins.{PLUGIN_NAME}.{key}: {err}" for key, err in errors]
        raise ConfigError("\n".join(lines))
    return cfg


def build_settings(cfg: A11yConfig, *, site_dir: Path, docs_dir: Path | None,
                   site_url: str | None, project_dir: Path, everything: bool = False,
                   browser: bool | None = None, report: bool = True,
                   cache_dir: Path | None = None) -> Settings:
    """Settings for one run from validated options.

    ``cache_dir`` is the build's cache folder (the core plugin's ``cache_dir``); the static
    results are cached there by content hash.
    """
    hosts = list(cfg.static_site_hosts)
    if site_url:
        host = urlsplit(site_url).netloc.lower()
        if host:
            hosts.append(host)
    axe_path = Path(cfg.axe_path) if cfg.axe_path else None
    if axe_path is not None and not axe_path.is_absolute():
        axe_path = project_dir / axe_path
    elif axe_path is None and (project_dir / "node_modules/axe-core/axe.min.js").is_file():
        axe_path = project_dir / "node_modules/axe-core/axe.min.js"
    use_browser = cfg.browser_enabled if browser is None else browser
    try:
        modes = load_modes(site_dir, cfg.browser_modes, cfg.browser_modes_file) \
            if use_browser else []
    except A11yConfigError as exc:
        raise ConfigError(str(exc)) from None
    return Settings(
        site_dir=site_dir, docs_dir=docs_dir, site_hosts=hosts, waivers=list(cfg.waivers),
        exclude=list(cfg.static_exclude), vague_link_texts=list(cfg.static_vague_link_texts),
        skip_rules=list(cfg.static_skip_rules), browser=use_browser, everything=everything,
        sample_size=cfg.browser_sample_size, sample_seed=cfg.browser_sample_seed,
        jobs=cfg.browser_jobs, modes=modes,
        browser_options=BrowserOptions(
            keyboard=cfg.browser_keyboard, reflow=cfg.browser_reflow,
            text_resize=cfg.browser_text_resize, text_spacing=cfg.browser_text_spacing,
            max_tab_stops=cfg.browser_max_tab_stops),
        axe_path=axe_path, axe_locale=cfg.axe_locale, axe_tags=list(cfg.axe_tags),
        axe_rules=list(cfg.axe_rules),
        report_dir=site_dir / cfg.report_dir if report else None,
        report_json=site_dir / cfg.report_json if report else None,
        screenshots=cfg.report_screenshots,
        static_cache=cache_dir / "a11y-static.json" if cache_dir else None)

"""Turn the plugin's options (or mkdocs.yml read by ``tongda check``) into rule settings."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from site_builder.errors import ConfigError
from site_builder.quality.context import Settings
from site_builder.quality.findings import SEVERITIES
from site_builder.quality.registry import all_rules

from .config import QualityConfig


def settings_from(cfg: QualityConfig | dict[str, Any]) -> Settings:
    """Rule settings from the plugin's validated options.

    Raises:
        ConfigError: a severity override names an unknown rule or severity.
    """
    get: Any = cfg.get if isinstance(cfg, dict) else cfg.__getitem__
    overrides = dict(get("rules_severity") or {})
    known = all_rules()
    for rule_id, severity in overrides.items():
        if rule_id not in known:
            raise ConfigError(f"mkdocs.yml: tongda-quality: rules_severity: 没有规则“{rule_id}”")
        if severity not in (*SEVERITIES, "off"):
            raise ConfigError(f"mkdocs.yml: tongda-quality: rules_severity: {rule_id}: "
                              f"“{severity}”应为 error、warning、notice 或 off")
    return Settings(
        review_days=get("rules_review_days"), expiry_notice_days=get("rules_expiry_notice_days"),
        consultation_days=get("rules_consultation_days"), similarity=get("rules_similarity"),
        interpretation_types=tuple(get("rules_interpretation_types")),
        interpretation_levels=tuple(get("rules_interpretation_levels")),
        severity=overrides, max_errors=get("fail_max_errors"),
        max_warnings=get("fail_max_warnings"), max_notices=get("fail_max_notices"))


def plugin_config(config: MkDocsConfig) -> QualityConfig:
    """The site's ``tongda-quality`` options, or the defaults when the plugin is not listed."""
    plugin = config.plugins.get("tongda-quality")
    if plugin is not None:
        return plugin.config  # type: ignore[no-any-return]
    defaults = QualityConfig()
    defaults.load_dict({})
    defaults.validate()  # fills in the defaults; an empty dict cannot fail
    return defaults


def slugify_of(config: MkDocsConfig) -> Any:
    """The toc extension's slugify function, so anchors match the built pages."""
    toc = (config.mdx_configs or {}).get("toc") or {}
    return toc.get("slugify")

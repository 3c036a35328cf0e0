"""Options of the ``tongda-a11y`` plugin (``plugins: - tongda-a11y: {...}`` in mkdocs.yml).

Example::

    plugins:
      - tongda-a11y:
          browser_sample_size: 30
          waivers:
            - rule: target-size
              reason: 地图组件的标注点由第三方规范固定，已提供等效的列表视图。
              pages: ["map/*"]
"""

from __future__ import annotations

from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from a11y.axe import AXE_EXTRA_RULES, AXE_TAGS
from a11y.errors import A11yConfigError
from a11y.findings import Waiver, parse_waivers
from a11y.site import DEFAULT_EXCLUDE
from a11y.static_rules import VAGUE_LINK_TEXTS


class Waivers(c.BaseConfigOption[list[Waiver]]):
    """A list of ``{rule, reason, pages?}``; a waiver without a written reason is an error."""

    def __init__(self) -> None:
        super().__init__()
        self.default: list[Any] = []

    def run_validation(self, value: object) -> list[Waiver]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValidationError("须为豁免列表：[{rule, reason, pages}]")
        try:
            return parse_waivers(value, "waivers")
        except A11yConfigError as exc:
            raise ValidationError(str(exc)) from exc


class A11yConfig(Config):
    """Typed options of the accessibility checks."""

    enabled = c.Type(bool, default=True)
    """Run the static rules at the end of every build and accept the options below."""

    waivers = Waivers()
    """Rules switched off on purpose: ``{rule, reason, pages}``. ``reason`` is required and
    shown in the report; ``pages`` are globs of page paths (``policies/*``), all pages when
    omitted."""

    static_on_build = c.Type(bool, default=True)
    """Run the static rules in ``mkdocs build`` / ``tongda build`` too, log each finding as a
    warning (so ``--strict`` fails) and write the static report."""
    static_exclude = c.ListOfItems(c.Type(str), default=list(DEFAULT_EXCLUDE))
    """Globs of built files that are not pages for people (reports, data, assets)."""
    static_site_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts that count as the site's own besides ``site_url``'s (a government CDN)."""
    static_vague_link_texts = c.ListOfItems(c.Type(str), default=sorted(VAGUE_LINK_TEXTS))
    """Link texts that do not say where a link goes (rule ``link-text``)."""
    static_skip_rules = c.ListOfItems(c.Type(str), default=[])
    """Static rule ids not to run at all. Prefer a waiver: waivers are listed in the report."""

    browser_enabled = c.Type(bool, default=True)
    """Run the real-browser checks in ``tongda a11y`` (``--no-browser`` turns them off once)."""
    browser_sample_size = c.Type(int, default=20)
    """Content pages checked with axe besides one page per template (``--all``: every page)."""
    browser_sample_seed = c.Type(int, default=0)
    """Seed of the sample, so two runs check the same pages."""
    browser_jobs = c.Type(int, default=0)
    """Browsers checking pages side by side (``--jobs``); 0: one per CPU core, at most 4.
    The findings and the report are the same whatever the number."""
    browser_modes = c.Optional(c.Type(list))
    """Display modes ``[{name, attrs, label?, media?}]``; by default read from the theme's
    ``browser_modes_file``, and only ``default`` when the theme ships none."""
    browser_modes_file = c.Type(str, default="assets/modes.json")
    """The theme's declaration of its display modes, relative to the built site."""
    browser_keyboard = c.Type(bool, default=True)
    """Walk each template page with the Tab key in every mode."""
    browser_reflow = c.Type(bool, default=True)
    """Check reflow at 320 CSS px (WCAG 1.4.10)."""
    browser_text_resize = c.Type(bool, default=True)
    """Check text at 200 % (WCAG 1.4.4)."""
    browser_text_spacing = c.Type(bool, default=True)
    """Check the WCAG 1.4.12 text-spacing override."""
    browser_max_tab_stops = c.Type(int, default=250)
    """Stop a keyboard walk after this many Tab presses (a page with more is left unjudged)."""

    axe_path = c.Optional(c.Type(str))
    """``axe.min.js`` to use; default: ``node_modules/axe-core`` next to mkdocs.yml."""
    axe_locale = c.Type(str, default="zh_CN")
    """axe-core locale for messages (``""`` for English)."""
    axe_tags = c.ListOfItems(c.Type(str), default=list(AXE_TAGS))
    """axe-core rule tags to run."""
    axe_rules = c.ListOfItems(c.Type(str), default=list(AXE_EXTRA_RULES))
    """axe-core rules to run besides the tags."""

    report_dir = c.Type(str, default="report/a11y")
    """Where the HTML report and screenshots go, relative to the built site."""
    report_json = c.Type(str, default="report/a11y.json")
    """Where the JSON report goes, relative to the built site."""
    report_screenshots = c.Type(int, default=300)
    """Most screenshots of failing areas in one report (0: none)."""

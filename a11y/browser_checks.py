"""Real-browser checks on one page in one display mode.

For each (page, mode) :class:`BrowserChecker` loads the page from the loopback server, sets
the mode's attributes on ``<html>`` the way the theme's toolbar does, waits for transitions,
then runs axe-core, a keyboard walk, reflow at 320 CSS px, text at 200 % and the WCAG
text-spacing override. The layout checks share one baseline measurement and each undoes
its change (viewport, inline font sizes, the spacing sheet) before the next, so a page is
loaded once per mode.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from a11y.axe import AxeRunner
from a11y.browser import emulate_media, screenshot_clip, set_viewport
from a11y.findings import Finding
from a11y.site import Mode, PageInfo

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

_CHECKS_JS = (Path(__file__).with_name("checks.js")).read_text(encoding="utf-8")


@dataclass
class BrowserOptions:
    """What the browser pass does (filled from the plugin's ``browser_*`` options)."""

    keyboard: bool = True
    reflow: bool = True
    text_resize: bool = True
    text_spacing: bool = True
    width: int = 1280
    height: int = 900
    max_tab_stops: int = 250
    shots_per_rule: int = 3


class Shots:
    """Screenshots of failing areas, saved as numbered PNGs in ``folder``.

    Args:
        folder: Where PNGs go (``<report>/shots``); ``None`` turns screenshots off.
        limit: At most this many in one run, so a badly broken site does not fill the disk.
    """

    def __init__(self, folder: Path | None, limit: int = 300) -> None:
        self.folder, self.limit, self.count = folder, limit, 0
        self._per_key: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()  # browsers checking side by side share the numbering

    def take(self, driver: WebDriver, finding: Finding, per_rule: int) -> None:
        """Capture ``finding``'s element area into ``finding.screenshot`` (best effort)."""
        if self.folder is None or not finding.selector or self.count >= self.limit:
            return
        key = (finding.page, finding.mode, finding.rule)
        if self._per_key.get(key, 0) >= per_rule:
            return
        try:
            rect = driver.execute_script(
                "return window.__tdA11y ? __tdA11y.scrollToSelector(arguments[0]) : null",
                finding.selector)
            if not rect or rect["w"] * rect["h"] <= 0:
                return
            viewport = driver.execute_script("return innerHeight") or 900
            png = screenshot_clip(driver, rect["x"] - 12, rect["y"] - 12, rect["w"] + 24,
                                  min(rect["h"] + 24, viewport))
        except Exception:  # noqa: BLE001 - a missing screenshot must not fail the check
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if self.count >= self.limit or self._per_key.get(key, 0) >= per_rule:
                return
            self.count += 1
            self._per_key[key] = self._per_key.get(key, 0) + 1
            name = f"{self.count:04d}.png"
        (self.folder / name).write_bytes(png)
        finding.screenshot = f"shots/{name}"


class BrowserChecker:
    """Run the browser checks against pages served at ``base_url``.

    Args:
        driver: A driver from :func:`a11y.browser.start_chrome`.
        base_url: The loopback server's URL, ending in ``/``.
        axe: The axe runner (holds the pinned axe-core).
        options: Which checks to run and their limits.
        shots: Screenshot saver.
    """

    def __init__(self, driver: WebDriver, base_url: str, axe: AxeRunner,
                 options: BrowserOptions, shots: Shots) -> None:
        self.driver, self.base_url, self.axe = driver, base_url, axe
        self.options, self.shots = options, shots
        self.page_loads = 0

    def load(self, page: PageInfo, mode: Mode) -> None:
        """Load ``page`` at the normal viewport and switch on ``mode``."""
        set_viewport(self.driver, self.options.width, self.options.height)
        emulate_media(self.driver, mode.media)
        self.driver.get(self.base_url + page.url)
        self.page_loads += 1
        self.driver.execute_script(_CHECKS_JS)
        if mode.attrs:
            self.driver.execute_script("__tdA11y.applyMode(arguments[0])", mode.attrs)
        self.driver.execute_async_script(
            "__tdA11y.settle(1500).then(arguments[arguments.length - 1])")

    def check(self, page: PageInfo, mode: Mode, *, full: bool = True,
              extra: list[Finding] | None = None) -> list[Finding]:
        """Every enabled check on one page in one mode.

        Args:
            page: The page.
            mode: The display mode.
            full: False runs axe only (used for sampled content pages).
            extra: Static findings on this page that want a screenshot.
        """
        found: list[Finding] = []
        self.load(page, mode)
        found += self._shoot(AxeRunner.findings(self.axe.run(self.driver), page.path,
                                                mode.name, page.template))
        for finding in extra or []:
            self.shots.take(self.driver, finding, self.options.shots_per_rule)
        opts = self.options
        if full and mode.min_target:
            found += self._shoot(self.mode_targets(page, mode))
        if full and opts.keyboard:
            self.driver.execute_script("scrollTo(0, 0)")
            found += self._shoot(self.keyboard_walk(page, mode))
        # One baseline for all three: each change is undone before the next, no reload.
        kinds = [k for k, on in (("reflow", opts.reflow), ("text-resize", opts.text_resize),
                                 ("text-spacing", opts.text_spacing)) if on and full]
        if kinds:
            self.driver.execute_script("scrollTo(0, 0)")
            before = self.driver.execute_script("return __tdA11y.losses()")
            for kind in kinds:
                found += self._shoot(self.layout(page, mode, kind, before))
                set_viewport(self.driver, opts.width, opts.height)
                self.driver.execute_script("__tdA11y.undo()")
        return found

    def _shoot(self, findings: list[Finding]) -> list[Finding]:
        for finding in findings:
            self.shots.take(self.driver, finding, self.options.shots_per_rule)
        return findings

    def mode_targets(self, page: PageInfo, mode: Mode) -> list[Finding]:
        """Controls smaller than the mode's ``min_target`` (e.g. 44 px in elder mode)."""
        items = self.driver.execute_script("return __tdA11y.smallTargets(arguments[0])",
                                           mode.min_target)
        return [Finding("target-size-mode", "axe", page.path,
                        f"“{mode.label or mode.name}”模式要求操作目标至少 {mode.min_target}×"
                        f"{mode.min_target} 像素，此元素为 {item['size']}",
                        "主题在该模式下放大按钮和链接的可点击区域（padding 或 min-width/min-height）。",
                        item["selector"], item["html"], mode.name, "serious",
                        "https://www.w3.org/WAI/WCAG22/Understanding/target-size-enhanced.html",
                        page.template) for item in items]

    def keyboard_walk(self, page: PageInfo, mode: Mode) -> list[Finding]:
        """Tab through the page and report unreachable, trapping, invisible or covered focus."""
        from a11y.keyboard import KeyboardWalk

        return KeyboardWalk(self.driver, self.options.max_tab_stops).run(page, mode)

    def layout(self, page: PageInfo, mode: Mode, kind: str,
               before: dict[str, Any] | None = None) -> list[Finding]:
        """Reflow, text-resize or text-spacing: compare content loss before and after.

        The change stays applied (screenshots show it); the caller undoes it.
        """
        if before is None:
            before = self.driver.execute_script("return __tdA11y.losses()")
        if kind == "reflow":
            set_viewport(self.driver, 320, 256)
        elif kind == "text-resize":
            self.driver.execute_script("__tdA11y.textZoom(2)")
        else:
            self.driver.execute_script("__tdA11y.textSpacing()")
        after: dict[str, Any] = self.driver.execute_script("return __tdA11y.losses()")
        return layout_findings(kind, before, after, page, mode)


_LAYOUT_TEXT = {
    "reflow": ("reflow-320", "宽 320 CSS 像素时出现横向滚动或内容溢出",
               "不要写固定宽度（style=\"width:900px\"）；宽表格和图片由主题放进可横向滚动的容器。",
               "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html"),
    "text-resize": ("text-resize-200", "文字放大到 200% 后内容被截断或溢出",
                    "不要给含文字的元素固定高度或宽度，也不要用 overflow:hidden 截断文字。",
                    "https://www.w3.org/WAI/WCAG22/Understanding/resize-text.html"),
    "text-spacing": ("text-spacing", "加大行距、字距和段距（WCAG 1.4.12）后内容被截断",
                     "含文字的元素不要固定高度；让容器随文字增高。",
                     "https://www.w3.org/WAI/WCAG22/Understanding/text-spacing.html"),
}


def layout_findings(kind: str, before: dict[str, Any], after: dict[str, Any], page: PageInfo,
                    mode: Mode) -> list[Finding]:
    """Findings for losses present ``after`` a layout change but not ``before`` it."""
    rule, message, fix, url = _LAYOUT_TEXT[kind]
    out: list[Finding] = []

    def make(msg: str, item: dict[str, Any] | None) -> Finding:
        return Finding(rule, kind, page.path, msg, fix, (item or {}).get("selector", ""),
                       (item or {}).get("html", ""), mode.name, "serious", url, page.template,
                       hint=(item or {}).get("text", ""))

    old_clipped = {c["selector"] for c in before["clipped"]}
    for item in after["clipped"]:
        if item["selector"] not in old_clipped:
            out.append(make(f"{message}：文字“{item['text']}”被截断", item))
    if after["hscroll"] and (kind == "reflow" or not before["hscroll"]):
        old_wide = {w["selector"] for w in before["wide"]} if kind != "reflow" else set()
        wide = [w for w in after["wide"] if w["selector"] not in old_wide][:5]
        if not wide:
            out.append(make(f"{message}（页面宽 {after['scrollWidth']}px，视口 {after['width']}px）",
                            None))
        for item in wide:
            out.append(make(f"{message}：元素右缘在 {item['right']}px，视口 {after['width']}px",
                            item))
    return out

"""The keyboard walk: press Tab through a page as a keyboard user would.

Reports, per page and mode:

* ``keyboard-unreachable`` - an element that should take focus was never reached;
* ``keyboard-trap`` - focus stayed put or looped over part of the page (WCAG 2.1.2);
* ``focus-not-visible`` - the element's pixels did not change when it took focus: when its
  own computed style (outline, shadow, border, colours, ``::before``/``::after``) does not
  change, its area is captured focused and again after Tab has moved on, and the two must
  differ (WCAG 2.4.7);
* ``focus-obscured`` - the focused element is entirely covered, e.g. by a sticky header, or
  off screen (WCAG 2.4.11);
* ``skip-link-focus`` - pressing Enter on the first element, a same-page link, does not
  put focus in ``<main>`` (or make the next Tab land there) (WCAG 2.4.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from a11y.browser import screenshot_clip
from a11y.findings import Finding
from a11y.site import Mode, PageInfo

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

_FIX = {
    "keyboard-unreachable": "不要用 tabindex=\"-1\" 或脚本把可操作元素移出键盘顺序；"
                            "自定义控件用原生 <button>/<a href>。",
    "keyboard-trap": "焦点进入的组件必须能用 Tab / Shift+Tab / Esc 离开；检查主题脚本的焦点管理。",
    "focus-not-visible": "不要写 outline:none；主题的 :focus-visible 样式须在所有模式下可见。",
    "focus-obscured": "粘性页头/页脚不能盖住获得焦点的元素；给 html 设 scroll-padding-top。",
    "skip-link-focus": "“跳到正文”链接指向 <main id=\"main\" tabindex=\"-1\">，脚本不要拦截它的点击。",
}
_URL = "https://www.w3.org/WAI/WCAG22/Understanding/"
_HELP = {"keyboard-unreachable": _URL + "keyboard.html",
         "keyboard-trap": _URL + "no-keyboard-trap.html",
         "focus-not-visible": _URL + "focus-visible.html",
         "focus-obscured": _URL + "focus-not-obscured-minimum.html",
         "skip-link-focus": _URL + "bypass-blocks.html"}
_PAD = 6
_TAB = {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9}
#: Tab stops one element may hold inside (a media player's play, time, volume, menu...).
_INNER_STOPS = 12
_ENTER = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13,
          "nativeVirtualKeyCode": 13}


class KeyboardWalk:
    """Walk one loaded page with the Tab key.

    Args:
        driver: The driver, with ``checks.js`` injected in the current page.
        max_stops: Give up (without a finding) after this many Tab presses.
    """

    def __init__(self, driver: WebDriver, max_stops: int = 250) -> None:
        self.driver = driver
        self.max_stops = max_stops
        self.screenshots = 0

    def _tab(self) -> dict[str, Any]:
        # A trusted key press through DevTools: half the round trips of ActionChains.
        for kind in ("rawKeyDown", "keyUp"):
            self.driver.execute_cdp_cmd("Input.dispatchKeyEvent", _TAB | {"type": kind})
        return self.driver.execute_script("return __tdA11y.focusState()")

    def _clip(self, rect: dict[str, float]) -> bytes:
        return screenshot_clip(self.driver, rect["x"] - _PAD, rect["y"] - _PAD,
                               rect["w"] + 2 * _PAD, rect["h"] + 2 * _PAD)

    def run(self, page: PageInfo, mode: Mode) -> list[Finding]:
        """Walk the page; returns the findings."""
        expected: list[dict[str, str]] = self.driver.execute_script(
            "return __tdA11y.tabbables()")
        findings: list[Finding] = []

        def add(rule: str, message: str, state: dict[str, Any]) -> None:
            findings.append(Finding(rule, "keyboard", page.path, message, _FIX[rule],
                                    state.get("selector", ""), state.get("html", ""), mode.name,
                                    "serious", _HELP[rule], page.template))

        visited: list[str] = []
        ended = ""  # "body": Tab left the page; "wrap": focus came back to the first element
        second: dict[str, Any] = {}  # the stop after the first: what skipping must jump over
        previous: dict[str, Any] | None = None
        previous_png = b""
        composites = sum(1 for item in expected if item.get("composite"))
        limit = min(self.max_stops, len(expected) + 10 + _INNER_STOPS * composites)
        repeats = 0
        for _ in range(limit):
            state = self._tab()
            key: str = state.get("key") or state.get("selector") or ""
            if previous is not None and not state["body"] and \
                    key == (previous.get("key") or previous["selector"]):
                # Media controls and date fields have Tab stops inside one element.
                repeats += 1
                if not state.get("composite") or repeats > _INNER_STOPS:
                    add("keyboard-trap", "按 Tab 后焦点停在原处", state)
                    break
                continue
            repeats = 0
            if previous is not None and previous_png and previous.get("rect") \
                    and self._clip(previous["rect"]) == previous_png:
                add("focus-not-visible", "获得焦点时外观没有任何变化", previous)
            if state["body"]:
                ended = "body"
                break
            if key in visited:
                if key != visited[0]:
                    add("keyboard-trap", f"焦点在 {len(visited) - visited.index(key)} 个元素间循环，"
                                         "无法离开", state)
                else:
                    ended = "wrap"
                break
            visited.append(key)
            if len(visited) == 2:
                second = state
            self._check_covered(state, add)
            previous = state
            # Own style changed on focus (outline, shadow, colours): visibly focused without
            # paying two screenshots. Otherwise compare pixels: the focus may be drawn on an
            # ancestor or a sibling, or not at all.
            needs_pixels = state["size"] > 0 and not state.get("styleChanged")
            previous_png = self._clip(state["rect"]) if needs_pixels else b""
            self.screenshots += 2 if needs_pixels else 0
        else:
            return findings  # the walk never left the page: no verdict on reachability
        if ended and visited:
            self._check_skip_link(ended, second, add)
        reached = set(visited)
        for item in expected:
            if item["key"] not in reached:
                add("keyboard-unreachable", "按 Tab 无法到达此元素", item)
        return findings

    def _check_skip_link(self, ended: str, second: dict[str, Any], add: Any) -> None:
        """Enter on the first stop, when it is a same-page link, must land focus in <main>.

        Browsers move focus to a focusable target; to an unfocusable one they only move the
        Tab starting point, so the next Tab must then land in <main> and not on the stop
        that plain Tab reaches (the header's first link), unless that is in <main> already.
        """
        first = self._tab() if ended == "body" else self.driver.execute_script(
            "return __tdA11y.focusState()")
        if first["body"] or not first.get("skipLink"):
            return  # no skip link at all: the static rule ``skip-link`` says so
        self.driver.execute_cdp_cmd("Input.dispatchKeyEvent",
                                    _ENTER | {"type": "keyDown", "text": "\r"})
        self.driver.execute_cdp_cmd("Input.dispatchKeyEvent", _ENTER | {"type": "keyUp"})
        if self.driver.execute_script("return __tdA11y.focusInMain()"):
            return
        after = self._tab()
        jumped = after.get("key") != second.get("key") or second.get("inMain")
        if not (after.get("inMain") and jumped):
            add("skip-link-focus", "按回车激活“跳到正文”链接后，焦点没有进入 <main>", first)

    @staticmethod
    def _check_covered(state: dict[str, Any], add: Any) -> None:
        if state["size"] <= 0:
            add("focus-not-visible", "获得焦点的元素没有可见尺寸", state)
        elif not state["inView"]:
            add("focus-obscured", "获得焦点的元素不在视口内", state)
        elif state["visiblePoints"] == 0:
            cover = state.get("coveredBy") or "其他元素"
            add("focus-obscured", f"获得焦点的元素被 {cover} 完全遮住", state)

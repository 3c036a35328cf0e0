"""The player in real headless Chromium: point reading plays one paragraph, continuous
reading moves the highlight, the toolbar's events drive it, and focus never moves."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from a11y.browser import browser_unavailable_reason, start_chrome
from tests.browser_testlib import wait_js as wait_for
from tests.components import missing

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parents[3] / "fixtures" / "audio-site"
CSP = "script-src 'self'; media-src 'self'; connect-src 'self'"
PAGE = "services/id-card-renewal/"


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with byte ranges: without them Chrome cannot seek in an MP3 (every real
    host and CDN supports ranges; the standard library's handler does not)."""

    def send_head(self):  # type: ignore[override]
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match.group(1))
        end = min(int(match.group(2) or len(data) - 1), len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        import io

        return io.BytesIO(data[start : end + 1])

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port with byte ranges and a strict CSP."""
    handler = functools.partial(_RangeHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("audio-browser")
    project = root / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".tongda-cache", "site"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TONGDA_AUDIO_CACHE", str(root / "cache"))
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
        build(config)
    return project / "site"


@pytest.fixture(scope="module")
def driver(site: Path):
    reason = browser_unavailable_reason()
    if reason:
        missing(reason)
    with serve(site) as base, start_chrome() as chrome:
        chrome.base_url = base  # type: ignore[attr-defined]
        yield chrome


@pytest.fixture
def page(driver: Any) -> Callable[[], Any]:
    driver.get(driver.base_url + PAGE)
    # The reader asks for the per-paragraph buttons (the player hides them until then).
    driver.execute_script("localStorage.setItem('td-audio-paragraphs', 'on')")
    driver.get(driver.base_url + PAGE)
    wait_for(driver, "document.querySelector('.td-player--js') !== null")
    driver.execute_script(
        "window.tdCues = []; document.addEventListener('td:audio-cue',"
        " function (e) { window.tdCues.push(e.detail); });"
        "window.tdStates = []; document.addEventListener('td:audio-state',"
        " function (e) { window.tdStates.push(e.detail.playing); });"
    )
    return driver


def _button(driver: Any, block_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'button[data-td-read="{block_id}"]')


def test_buttons_are_shown_only_with_the_script(page: Any) -> None:
    hidden = page.execute_script(
        "return Array.from(document.querySelectorAll('[data-td-read]')).filter(b => b.hidden).length")
    assert hidden == 0
    assert page.execute_script("return document.querySelector('.td-player audio').paused") is True


def test_browser_parses_the_webvtt_track(page: Any) -> None:
    cues = wait_for(page, "(function () { var t = document.querySelector('.td-player track');"
                          " if (t.readyState !== 2 || !t.track.cues.length) return null;"
                          " return Array.from(t.track.cues).map(function (c) {"
                          " return [c.id, JSON.parse(c.text).text]; }); })()")
    timing = page.execute_script(
        "return fetch(document.querySelector('.td-player').dataset.tdTiming).then(r => r.json())"
        ".then(d => d.cues.map(c => [c.id, c.text]))")
    assert cues == timing


def test_point_reading_plays_just_that_paragraph(page: Any) -> None:
    cue = page.execute_script(
        "return fetch(document.querySelector('.td-player').dataset.tdTiming).then(r => r.json())"
        ".then(d => d.cues.find(c => c.text.startsWith('相片须为')))")
    button = _button(page, cue["id"])
    button.click()
    wait_for(page, "!document.querySelector('.td-player audio').paused")
    assert wait_for(page, f"document.getElementById('{cue['id']}').classList.contains('td-player__reading')")
    assert page.execute_script("return document.activeElement") == button  # focus stays put
    wait_for(page, "document.querySelector('.td-player audio').paused", timeout=20)
    position = page.execute_script("return document.querySelector('.td-player audio').currentTime")
    # Stopped at the end of the paragraph, inside the silence before the next one (0.25 s)
    # give or take a timer tick on a busy machine.
    assert cue["start"] <= position <= cue["end"] + 0.5
    states = page.execute_script("return window.tdStates")
    assert states[0] is True and states[-1] is False  # for the toolbar
    ids = {c["id"] for c in page.execute_script("return window.tdCues") if c["id"]}
    assert ids == {cue["id"]}  # nothing else was read
    assert not page.execute_script(
        "return document.querySelector('.td-player__reading')")  # highlight cleared


def test_continuous_reading_moves_the_highlight(page: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    Select(page.find_element(By.CSS_SELECTOR, "[data-td-control=rate]")).select_by_value("1.5")
    start = page.find_element(By.CSS_SELECTOR, "[data-td-player=continuous]")
    start.click()
    # Pressed once the audio really plays (after the timing map loads), not before.
    wait_for(page, "document.querySelector('[data-td-player=continuous]')"
                   ".getAttribute('aria-pressed') === 'true'")
    assert page.execute_script("return document.querySelector('.td-player audio').playbackRate") == 1.5
    first = wait_for(page, "document.querySelector('.td-player__reading') &&"
                           " document.querySelector('.td-player__reading').id")
    wait_for(page, f"document.querySelector('.td-player__reading') &&"
                   f" document.querySelector('.td-player__reading').id !== '{first}'", timeout=20)
    assert len(page.find_elements(By.CSS_SELECTOR, ".td-player__reading")) == 1
    assert page.execute_script("return document.activeElement") == start
    details = page.execute_script("return window.tdCues")
    assert details[0]["text"] == "居民身份证换领"  # the caption display gets the sentence text
    # The toolbar's speech events drive the same player.
    page.execute_script(
        "document.dispatchEvent(new CustomEvent('td:speech', {detail: {action: 'stop'}}))")
    wait_for(page, "document.querySelector('.td-player audio').paused")
    assert page.execute_script("return document.querySelector('.td-player audio').currentTime") == 0
    assert not page.find_elements(By.CSS_SELECTOR, ".td-player__reading")
    page.execute_script(
        "document.dispatchEvent(new CustomEvent('td:speech', {detail: {action: 'play'}}))")
    wait_for(page, "!document.querySelector('.td-player audio').paused")
    page.execute_script(
        "document.dispatchEvent(new CustomEvent('td:speech', {detail: {action: 'pause'}}))")
    wait_for(page, "document.querySelector('.td-player audio').paused")


def test_toolbar_plays_and_its_caption_shows_the_sentence(page: Any) -> None:
    from selenium.webdriver.common.by import By

    assert page.find_elements(By.CSS_SELECTOR, "[data-module=td-toolbar]"), "the theme's toolbar"
    page.find_element(By.CSS_SELECTOR, ".td-entries__open").click()
    page.find_element(By.CSS_SELECTOR, "[data-td-set=caption]").click()
    page.find_element(By.CSS_SELECTOR, "[data-td-action=speech][data-td-value=play]").click()
    wait_for(page, "!document.querySelector('.td-player audio').paused")
    # Until the first sentence starts, the caption shows the focused control (播放); under
    # load that can last a moment. It must then show the sentence being read.
    wait_for(page, "(window.tdCues || []).some(function (c) { return c.text =="
                   " document.querySelector('.td-caption__text').textContent; })", timeout=20)
    caption = page.execute_script("return document.querySelector('.td-caption__text').textContent")
    sentences = page.execute_script(
        "return window.tdCues.map(function (c) { return c.text; })")
    assert caption in sentences  # the sentence being read, not the element under the pointer
    assert page.execute_script("return document.activeElement.getAttribute('data-td-value')") == "play"
    page.find_element(By.CSS_SELECTOR, "[data-td-action=speech][data-td-value=stop]").click()
    wait_for(page, "document.querySelector('.td-player audio').paused")


def test_axe_finds_nothing_in_the_player_or_the_point_reading_buttons(page: Any) -> None:
    try:
        from a11y.axe import AxeNotFound, AxeRunner, find_axe

        runner = AxeRunner(find_axe(start=Path(__file__)))
    except (ImportError, AxeNotFound) as exc:
        missing(f"axe-core ({exc})")
    # Mid-reading state too: the highlight must not break contrast.
    page.execute_script("document.querySelector('[data-td-read]').click()")
    wait_for(page, "document.querySelector('.td-player__reading') !== null")
    result = runner.run(page)
    ours = [
        (v["id"], node["target"])
        for v in result["violations"]
        for node in v["nodes"]
        if any(".td-player" in t or "data-td-read" in t or "td-p-" in t
               for t in map(str, node["target"]))
        or "td-player" in node.get("html", "")
    ]
    assert ours == []


def test_the_block_being_read_is_scrolled_into_view_without_taking_focus(page: Any) -> None:
    from a11y.browser import reset_viewport, set_viewport

    set_viewport(page, 1024, 360)
    try:
        last = page.execute_script(
            "var b = document.querySelectorAll('[data-td-read]'); b = b[b.length - 1];"
            "window.scrollTo(0, 0); return b.getAttribute('data-td-read');")
        assert page.execute_script(
            f"return document.getElementById('{last}').getBoundingClientRect().top"
            " > window.innerHeight")  # off screen to begin with
        before = page.execute_script("return document.activeElement")
        page.execute_script(
            f"document.querySelector('.td-player').tdPlayer.readBlock('{last}')")
        wait_for(page, f"(function () {{ var r = document.getElementById('{last}')"
                       ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()")
        assert page.execute_script("return document.activeElement") == before
    finally:
        page.execute_script("document.dispatchEvent(new CustomEvent('td:speech', {detail: {action: 'stop'}}))")
        reset_viewport(page)

"""Headless Chromium and a loopback static server, for every browser check in Tongda.

Other parts of Tongda (the theme's and the audio's browser tests, ``tongda a11y``) import
these two helpers rather than each starting Chrome its own way::

    from a11y.browser import serve_directory, start_chrome

    with serve_directory(site_dir) as base_url, start_chrome() as driver:
        driver.get(base_url + "policies/")
        png = element_screenshot(driver, "main h1")

Both are context managers and always clean up: Chrome and chromedriver are quit and the
temporary profile removed, the server is shut down and its thread joined, even when the
body raises. Nothing here downloads a browser or a driver: Selenium Manager is switched
off (``SE_OFFLINE=true``) and the Debian ``chromium`` / ``chromium-driver`` are used
unless the caller names other binaries (``TONGDA_CHROME`` / ``TONGDA_CHROMEDRIVER``).

Tests that need a browser can call :func:`browser_unavailable_reason` and skip with its
message when the optional component is missing (the only admitted reason to skip).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import os
import shutil
import socketserver
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # selenium is an optional (dev) dependency, imported where used
    from selenium.webdriver.remote.webdriver import WebDriver

DEFAULT_CHROME = "/usr/bin/chromium"
DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver"

#: Flags every headless run needs on a shared CI box: no sandbox (containers), no GPU,
#: no /dev/shm (small in Docker), and no network chatter of Chrome's own.
CHROME_FLAGS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
)


OFFLINE_FLAGS: tuple[str, ...] = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
)


class BrowserUnavailable(RuntimeError):
    """Chromium, chromedriver or Selenium is missing, or Chrome would not start."""


def chrome_paths() -> tuple[str, str]:
    """Return ``(chrome, chromedriver)`` paths, honouring ``TONGDA_CHROME(DRIVER)``."""
    chrome = os.environ.get("TONGDA_CHROME", DEFAULT_CHROME)
    driver = os.environ.get("TONGDA_CHROMEDRIVER", DEFAULT_CHROMEDRIVER)
    return chrome, driver


def browser_unavailable_reason() -> str | None:
    """Say why a browser cannot be started here, or ``None`` when it can.

    Cheap (no browser is launched): checks that Selenium imports and that both binaries
    exist and are executable. Use it for ``pytest.skip`` messages.
    """
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    for label, path in zip(("chromium", "chromedriver"), chrome_paths(), strict=True):
        found = shutil.which(path) or (path if os.access(path, os.X_OK) else None)
        if not found:
            return f"{label} not found at {path} (apt-get install chromium chromium-driver)"
    return None


@contextmanager
def start_chrome(
    *,
    width: int = 1280,
    height: int = 900,
    extra_args: Sequence[str] = (),
    page_load_timeout: float = 30.0,
    script_timeout: float = 30.0,
    device_scale_factor: float = 1.0,
    lang: str = "zh-CN",
    offline: bool = True,
) -> Iterator[WebDriver]:
    """Start headless Chromium through Selenium and quit it on exit.

    Args:
        width: Viewport width in CSS px (set through DevTools, so it is exact in headless mode).
        height: Viewport height in CSS px.
        extra_args: More Chrome switches, appended after :data:`CHROME_FLAGS`.
        page_load_timeout: Seconds before ``driver.get`` gives up.
        script_timeout: Seconds before ``execute_async_script`` gives up.
        device_scale_factor: Pixel ratio; 1 keeps screenshots in CSS px.
        lang: ``--lang`` and ``Accept-Language``, so pages see a Chinese browser.
        offline: Resolve every host except 127.0.0.1/localhost to "not found", so a page
            that references a third-party host fails fast instead of waiting on the network
            (and nothing leaves the machine).

    Yields:
        A ``selenium.webdriver.Chrome`` with a fresh, temporary profile.

    Raises:
        BrowserUnavailable: When Selenium, Chromium or chromedriver is missing or Chrome
            fails to start.
    """
    reason = browser_unavailable_reason()
    if reason:
        raise BrowserUnavailable(reason)
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    # Selenium Manager must never try to download a driver or a browser.
    os.environ["SE_OFFLINE"] = "true"
    chrome, chromedriver = chrome_paths()
    profile = tempfile.mkdtemp(prefix="tongda-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}", f"--lang={lang}",
                 f"--window-size={width},{height}", *(OFFLINE_FLAGS if offline else ()),
                 *extra_args):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    driver = None
    try:
        try:
            driver = webdriver.Chrome(service=Service(executable_path=chromedriver),
                                      options=options)
        except WebDriverException as exc:
            raise BrowserUnavailable(f"Chromium did not start: {exc.msg}") from exc
        driver.set_page_load_timeout(page_load_timeout)
        driver.set_script_timeout(script_timeout)
        set_viewport(driver, width, height, device_scale_factor)
        yield driver
    finally:
        if driver is not None:
            # Quitting a browser that already died must not hide the error that killed it.
            with contextlib.suppress(Exception):
                driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_viewport(driver: WebDriver, width: int, height: int, scale: float = 1.0) -> None:
    """Make the page's viewport exactly ``width`` x ``height`` CSS px.

    Window sizes in headless Chrome include no chrome but have a platform minimum width
    (about 500 px), so a 320 px reflow test must go through device-metrics emulation.
    """
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": False,
    })


def reset_viewport(driver: WebDriver) -> None:
    """Undo :func:`set_viewport` (the window's own size applies again)."""
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def emulate_media(driver: WebDriver, features: Mapping[str, str]) -> None:
    """Emulate media features, e.g. ``{"prefers-reduced-motion": "reduce"}``.

    An empty mapping clears every emulated feature.
    """
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": k, "value": v} for k, v in features.items()],
    })


def screenshot_clip(driver: WebDriver, x: float, y: float, width: float, height: float,
                    *, scale: float = 1.0, beyond_viewport: bool = False) -> bytes:
    """Return a PNG of a rectangle given in document (page) coordinates.

    Scroll the area into view first, or pass ``beyond_viewport=True`` (DevTools then lays
    the page out at full height for the capture, which is slower and moves sticky parts).
    """
    result = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png",
        "captureBeyondViewport": beyond_viewport,
        "clip": {"x": max(0.0, x), "y": max(0.0, y), "width": max(1.0, width),
                 "height": max(1.0, height), "scale": scale},
    })
    return base64.b64decode(result["data"])


_RECT_JS = """
const el = document.querySelector(arguments[0]);
if (!el) return null;
el.scrollIntoView({block: "center", inline: "nearest"});
const r = el.getBoundingClientRect();
return {x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
        vh: window.innerHeight};
"""


def element_screenshot(driver: WebDriver, selector: str, *, margin: int = 16) -> bytes | None:
    """Return a PNG of the area around the first element matching a CSS ``selector``.

    The element is scrolled to the middle of the viewport, and the clip grown by
    ``margin`` px on each side (so outlines and some context show) and cut at the
    viewport's height. Returns ``None`` when nothing matches or the element has no box
    (``display: none``).
    """
    rect: dict[str, float] | None = driver.execute_script(_RECT_JS, selector)
    if not rect or rect["w"] <= 0 or rect["h"] <= 0:
        return None
    return screenshot_clip(driver, rect["x"] - margin, rect["y"] - margin,
                           rect["w"] + 2 * margin, min(rect["h"] + 2 * margin, rect["vh"]))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with MIME types the site uses and without a log line per request."""

    extra_headers: ClassVar[Mapping[str, str]] = {}

    extensions_map: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
        ".vtt": "text/vtt", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".wasm": "application/wasm",
        ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
        ".xml": "application/xml", ".atom": "application/atom+xml", ".woff2": "font/woff2",
    }

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        # Every run must see the files as built, never a cached copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve_directory(root: str | os.PathLike[str], *, port: int = 0,
                    headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 in a background thread.

    Directory URLs serve their ``index.html`` (MkDocs' ``use_directory_urls``), unknown
    paths get 404 with the site's own ``404.html`` body when it has one, like a real host.

    Args:
        root: The built site folder.
        port: 0 picks a free port (use it: tests run in parallel on a shared machine).
        headers: Extra response headers, e.g. ``{"Content-Security-Policy": "script-src 'self'"}``
            to check that pages work under the strict CSP the design asks for.

    Yields:
        The base URL, ending in ``/`` (``http://127.0.0.1:PORT/``).
    """
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise FileNotFoundError(f"{root_path}: no such folder to serve")
    handler = type("_Handler", (_NotFoundPageHandler,), {"extra_headers": dict(headers or {})})
    server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(root_path)))
    thread = threading.Thread(target=server.serve_forever, name="tongda-static-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _NotFoundPageHandler(_QuietHandler):
    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

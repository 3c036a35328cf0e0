"""The preview server: the built site, its functions under /api/, and live reload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]

# Polls the build version once a second and reloads the page when a rebuild finished.
_LIVERELOAD = b"""(function () {
  var known = null;
  function poll() {
    fetch('/__tongda/version', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(function (v) {
        if (known !== null && v.version !== known) { location.reload(); }
        known = v.version;
      }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


def static_app(site: Path) -> ASGIApp:
    """Serve the built site as files, with its 404 page."""
    from starlette.staticfiles import StaticFiles

    return StaticFiles(directory=str(site), html=True, check_dir=False)


def site_app(site: Path) -> ASGIApp:
    """The whole portal: the functions' app when they are installed, else the files alone.

    The functions announce their portal through the ``tongda.portal`` entry point, so the
    site builder runs them without importing them.
    """
    from importlib.metadata import entry_points

    for point in entry_points(group="tongda.portal"):
        try:
            build_app = point.load()
        except ModuleNotFoundError:  # the functions extra is not installed
            continue
        return build_app(site)  # type: ignore[no-any-return]
    return static_app(site)


def build_asgi(site: Path, rebuilder: Any | None = None) -> ASGIApp:
    """Wrap the portal with the two live-reload endpoints used by ``tongda serve``."""
    inner = site_app(site)

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/__tongda/livereload.js":
            await _send(send, 200, "text/javascript; charset=utf-8", _LIVERELOAD)
        elif path == "/__tongda/version":
            body = {"version": getattr(rebuilder, "version", 0), "error": getattr(rebuilder, "error", None)}
            await _send(send, 200, "application/json", json.dumps(body).encode())
        else:
            await inner(scope, receive, send)

    return app


async def _send(send: Any, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})

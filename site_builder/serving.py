"""The preview server: the built site, its functions under /api/, and live reload."""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import Any

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]

_ASSETS = Path(__file__).parent / "preview"
_PREVIEW_FILES = {
    # The preview's own files: live reload with the error banner, and its stylesheet.
    "/__tongda/livereload.js": ("livereload.js", "text/javascript; charset=utf-8"),
    "/__tongda/preview.css": ("preview.css", "text/css; charset=utf-8"),
}


def preview_state(rebuilder: Any | None) -> dict[str, Any]:
    """What ``/__tongda/version`` answers: the build's version (it changes after each
    successful rebuild) and the errors of the last failed one, file by file."""
    errors = list(getattr(rebuilder, "errors", None) or [])
    error = getattr(rebuilder, "error", None)
    if error and not errors:
        errors = [{"path": "", "line": None, "field": "", "message": str(error)}]
    key = f"{zlib.crc32(json.dumps(errors, ensure_ascii=False, sort_keys=True).encode()):08x}"
    return {"version": getattr(rebuilder, "version", 0), "error": error, "errors": errors,
            "errors_key": key}


def error_page(state: dict[str, Any], *, themed: bool) -> bytes:
    """The error list page (``/__tongda/errors``): every error with its file and line, the
    target of the banner's links. It reloads itself when the list changes."""
    errors = state["errors"]
    items = []
    for n, error in enumerate(errors, 1):
        where = escape(str(error.get("path") or "构建"))
        if error.get("line"):
            where += f":{int(error['line'])}"
        field = f" <code>{escape(str(error['field']))}</code>" if error.get("field") else ""
        items.append(f'<li id="e{n}"><code>{where}</code>{field}：'
                     f"{escape(str(error.get('message', '')))}</li>")
    if items:
        head = (f"<p>内容有 {len(errors)} 处错误，网站没有更新。请按下面的文件和行号改正；"
                "保存后会自动重新生成，这一页也会随之更新。</p>")
        body = f"<ol>{''.join(items)}</ol>"
    else:
        head, body = "<p>没有错误：网站已是最新。</p>", ""
    theme = ('<link rel="stylesheet" href="/assets/css/tongda.css">'
             '<script src="/components/toolbar/restore.js"></script>') if themed else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN" data-td-error-list><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>内容错误（{len(errors)} 处） - 通达预览</title>{theme}"
        '<link rel="stylesheet" href="/__tongda/preview.css">'
        '<script src="/__tongda/livereload.js" defer></script></head>'
        '<body class="td-error-list"><main id="main"><h1>内容错误</h1>'
        f'{head}{body}<p><a href="/">回到网站首页</a></p></main></body></html>'
    ).encode()


def static_app(site: Path) -> ASGIApp:
    """Serve the built site as files, with its 404 page."""
    from starlette.staticfiles import StaticFiles

    return StaticFiles(directory=str(site), html=True, check_dir=False)


def site_app(site: Path, front: Callable[[ASGIApp], ASGIApp] | None = None) -> ASGIApp:
    """The whole portal: the functions' app when they are installed, else the files alone.

    The functions announce their portal through the ``tongda.portal`` entry point, so the
    site builder runs them without importing them. The protocol: ``build_app(site_dir, *,
    front=None)`` returns an ASGI app that answers through ``front(portal)`` (so the
    preview's pages get the portal's security headers and logs), and may have a
    ``site_rebuilt()`` method, called after each rebuild replaced the site folder.
    """
    from importlib.metadata import entry_points

    for point in entry_points(group="tongda.portal"):
        try:
            build_app = point.load()
        except ModuleNotFoundError:  # the functions extra is not installed
            continue
        return build_app(site, front=front)  # type: ignore[no-any-return]
    files = static_app(site)
    return front(files) if front else files


def build_asgi(site: Path, rebuilder: Any | None = None) -> ASGIApp:
    """The portal with the preview's endpoints used by ``tongda serve``: live reload, the
    build's state, the error list, and (while no site has been built) the error list in
    place of every page. After each successful rebuild, the rebuilder calls the portal's
    ``site_rebuilt()`` (the signed audit heads go back into the new site folder)."""
    app = site_app(site, lambda inner: _preview(inner, site, rebuilder))
    if rebuilder is not None:
        rebuilder.after_build = getattr(app, "site_rebuilt", None)
    return app


def _preview(inner: ASGIApp, site: Path, rebuilder: Any | None) -> ASGIApp:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        method = scope.get("method", "GET")
        if path.startswith("/__tongda/") and method not in ("GET", "HEAD"):
            await _send(send, 405, "text/plain; charset=utf-8", "只支持 GET 和 HEAD".encode(),
                        head=False, extra=[(b"allow", b"GET, HEAD")])
        elif path in _PREVIEW_FILES:
            name, kind = _PREVIEW_FILES[path]
            await _send(send, 200, kind, (_ASSETS / name).read_bytes(), head=method == "HEAD")
        elif path == "/__tongda/version":
            await _wait_for_change(scope, rebuilder)
            body = json.dumps(preview_state(rebuilder), ensure_ascii=False).encode("utf-8")
            await _send(send, 200, "application/json", body, head=method == "HEAD")
        elif path == "/__tongda/errors" or (
                path and not path.startswith("/api/") and preview_state(rebuilder)["errors"]
                and not (site / "index.html").exists()):
            status = 200 if path == "/__tongda/errors" else 503
            page = error_page(preview_state(rebuilder), themed=(site / "index.html").exists())
            await _send(send, status, "text/html; charset=utf-8", page, head=method == "HEAD")
        else:
            await inner(scope, receive, send)

    return app


async def _wait_for_change(scope: Scope, rebuilder: Any | None, longest: float = 20.0) -> None:
    """``/__tongda/version?after=N`` answers once the state differs from version ``N``
    (or after ``longest`` seconds): the open page learns of a new build at once instead
    of on its next poll. Without ``after`` it answers at once."""
    import asyncio
    from urllib.parse import parse_qs

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    try:
        after = int(query["after"][0])
    except (KeyError, IndexError, ValueError):
        return
    errors_key = query.get("errors", [""])[0]
    state = preview_state(rebuilder)
    if state["version"] != after or (errors_key and state["errors_key"] != errors_key):
        return
    # Then wait for the rebuilder to change what it holds: each build sets its version and
    # its errors anew, so looking at them is enough (no serialising every 50 ms).
    version, errors = getattr(rebuilder, "version", 0), getattr(rebuilder, "errors", None)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + longest
    while (loop.time() < deadline and getattr(rebuilder, "version", 0) == version
           and getattr(rebuilder, "errors", None) is errors):
        await asyncio.sleep(0.05)


async def _send(send: Any, status: int, content_type: str, body: bytes, *, head: bool = False,
                extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type.encode()), (b"cache-control", b"no-store"),
               (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})

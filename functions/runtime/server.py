"""One origin for the whole portal: the built site plus every function under ``/api/<name>/``.

``tongda serve`` runs :func:`build_app` with uvicorn. A function is a package
``functions/<name>/`` whose ``app.py`` has ``create_app(settings, *, site_dir=None)``.
Files the build wrote under ``api/<name>/`` (such as ``api/match/rules.json``) are served
as files; every other path under ``/api/<name>/`` goes to the function.

The static site takes GET, HEAD and OPTIONS; any other method is a 405 problem naming
them. Content-hashed files are cached for a year as immutable, every other file is
revalidated. :class:`~functions.runtime.http.Hygiene` wraps the whole portal.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import functions

from .http import SCOPE_HEAD, Hygiene, static_cache_control
from .problems import Problem
from .settings import Settings

log = logging.getLogger("tongda.http")
#: What the static site answers; anything else is 405.
STATIC_METHODS = "GET, HEAD, OPTIONS"
_STATIC_DETAILS = {
    404: "网站上没有这个页面，请检查网址是否正确。",
    405: "网站页面只能浏览（GET、HEAD），不能提交或修改。",
}


def function_names() -> list[str]:
    """Every function package that has an ``app.py`` (``runtime`` excluded)."""
    names = []
    for info in pkgutil.iter_modules(functions.__path__):
        if (info.ispkg and info.name != "runtime"
                and importlib.util.find_spec(f"functions.{info.name}.app") is not None):
            names.append(info.name)
    return sorted(names)


class Portal:
    """ASGI app dispatching to the static site or to a function."""

    def __init__(self, site_dir: Path, apps: dict[str, ASGIApp]) -> None:
        self.site_dir = site_dir.resolve()
        self.apps = apps
        self.static = StaticFiles(directory=self.site_dir, html=True, check_dir=False)

    def _function(self, path: str) -> tuple[str, ASGIApp] | None:
        parts = path.split("/", 3)
        if len(parts) >= 3 and parts[1] == "api" and parts[2] in self.apps:
            return parts[2], self.apps[parts[2]]
        return None

    def _is_file(self, path: str) -> bool:
        try:
            target = (self.site_dir / path.lstrip("/")).resolve()
            return target.is_file() and target.is_relative_to(self.site_dir)
        except (OSError, ValueError):  # a name no file system takes is no file
            return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path = scope.get("path", "/")
        found = self._function(path)
        if found is None or (scope.get("method") in ("GET", "HEAD") and self._is_file(path)):
            await self._static(scope, receive, send)
            return
        name, app = found
        prefix = f"/api/{name}"
        child = dict(scope)
        child["root_path"] = scope.get("root_path", "") + prefix
        child["path"] = path[len(prefix):] or "/"
        child["raw_path"] = child["path"].encode()
        await app(child, receive, send)


    async def _static(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A file of the site, its 404 page, or a problem; never an exception."""
        method = scope.get("method", "GET")
        instance = scope.get("root_path", "") + scope.get("path", "")
        if method == "OPTIONS":
            await Response(status_code=204, headers={"Allow": STATIC_METHODS})(scope, receive, send)
            return
        if method not in ("GET", "HEAD"):
            await Problem(405, _STATIC_DETAILS[405], headers={"Allow": STATIC_METHODS}
                          ).response(instance)(scope, receive, send)
            return
        if scope.get(SCOPE_HEAD):  # Hygiene asked for GET; StaticFiles can answer HEAD itself
            scope = {**scope, "method": "HEAD"}
        path = scope.get("path", "/")
        started = False

        async def cached(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(raw=list(message.get("headers") or []))
                headers.setdefault("Cache-Control", static_cache_control(path, message["status"]))
                message = {**message, "headers": headers.raw}
            await send(message)

        try:
            await self.static(scope, receive, cached)
        except HTTPException as exc:  # raised for names the file system refuses
            status = 404 if exc.status_code in (401, 404) else exc.status_code
            detail = _STATIC_DETAILS.get(status, "无法提供这个文件，请检查网址是否正确。")
            await Problem(status, detail, headers=dict(exc.headers or {})).response(instance)(
                scope, receive, send)
        except OSError:
            # A name the file system cannot resolve (a symbolic-link loop, ELOOP, which
            # StaticFiles re-raises) is no file of the site: 404, never a server error.
            if started:
                raise
            await Problem(404, _STATIC_DETAILS[404]).response(instance)(scope, receive, send)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class PortalApp(Hygiene):
    """The portal as :func:`build_app` returns it: hygiene around every answer, plus what
    ``tongda serve`` calls after each rebuild (the ``tongda.portal`` entry point's protocol).
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings

    def site_rebuilt(self) -> None:
        """The site folder was replaced: publish the newest signed audit head into it again."""
        from . import heads

        heads.republish(self.settings)


def _unavailable(name: str, reason: str) -> ASGIApp:
    """A function that could not start answers 503 instead of taking the portal down."""
    problem = Problem(503, f"“{name}”服务暂不可用，请稍后再试；网站的其他部分不受影响。",
                      headers={"Retry-After": "60"})

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            instance = scope.get("root_path", "") + scope.get("path", "")
            await problem.response(instance)(scope, receive, send)

    log.error("函数 %s 未能启动，它的请求一律答 503：%s", name, reason)
    return app


def build_app(site_dir: Path, *, database_url: str | None = None,
              settings: Settings | None = None,
              front: Callable[[ASGIApp], ASGIApp] | None = None) -> PortalApp:
    """The portal on one origin: ``site_dir`` as static files, functions under ``/api/``.

    A function that fails to import or start (a missing optional dependency, bad data) is
    logged and answers 503; the site and the other functions go on. The signed audit
    heads are published into the site's ``api/audit/`` unless ``TONGDA_AUDIT_PUBLISH_DIR``
    says elsewhere.

    Args:
        site_dir: The built site (``tongda build`` output).
        database_url: Storage for every function (default ``DATABASE_URL`` or SQLite in ``var/``).
        settings: Full settings (tests, benchmarks); ``database_url`` wins over its URL.
        front: Wraps the portal inside the hygiene layer, so what it answers (the preview's
            live reload and error pages in ``tongda serve``) gets the same headers and logs.
    """
    settings = settings or Settings.from_env(database_url=database_url)
    if database_url:
        settings = settings.with_(database_url=database_url)
    if settings.audit_publish_dir is None:
        settings = settings.with_(audit_publish_dir=Path(site_dir) / "api" / "audit")
    apps: dict[str, ASGIApp] = {}
    for name in function_names():
        try:
            module = importlib.import_module(f"functions.{name}.app")
            apps[name] = module.create_app(settings, site_dir=Path(site_dir))
        except Exception as exc:  # noqa: BLE001 - one function's failure is not the portal's
            apps[name] = _unavailable(name, f"{type(exc).__name__}: {exc}")
    portal: ASGIApp = Portal(Path(site_dir), apps)
    return PortalApp(front(portal) if front else portal, settings)

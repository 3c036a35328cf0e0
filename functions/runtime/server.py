"""One origin for the whole portal: the built site plus every function under ``/api/<name>/``.

``tongda serve`` runs :func:`build_app` with uvicorn. A function is a package
``functions/<name>/`` whose ``app.py`` has ``create_app(settings, *, site_dir=None)``.
Files the build wrote under ``api/<name>/`` (such as ``api/match/rules.json``) are served
as files; every other path under ``/api/<name>/`` goes to the function.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import functions

from .settings import Settings


def function_names() -> list[str]:
    """Every function package that has an ``app.py`` (``runtime`` excluded)."""
    names = []
    for info in pkgutil.iter_modules(functions.__path__):
        if info.ispkg and info.name != "runtime":
            if importlib.util.find_spec(f"functions.{info.name}.app") is not None:
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
        target = (self.site_dir / path.lstrip("/")).resolve()
        return target.is_file() and target.is_relative_to(self.site_dir)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path = scope.get("path", "/")
        found = self._function(path)
        if found is None or (scope.get("method") in ("GET", "HEAD") and self._is_file(path)):
            await self.static(scope, receive, send)
            return
        name, app = found
        prefix = f"/api/{name}"
        child = dict(scope)
        child["root_path"] = scope.get("root_path", "") + prefix
        child["path"] = path[len(prefix):] or "/"
        child["raw_path"] = child["path"].encode()
        await app(child, receive, send)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def build_app(site_dir: Path, *, database_url: str | None = None,
              settings: Settings | None = None) -> ASGIApp:
    """The portal on one origin: ``site_dir`` as static files, functions under ``/api/``.

    Args:
        site_dir: The built site (``tongda build`` output).
        database_url: Storage for every function (default ``DATABASE_URL`` or SQLite in ``var/``).
        settings: Full settings (tests, benchmarks); ``database_url`` wins over its URL.
    """
    settings = settings or Settings.from_env(database_url=database_url)
    if database_url:
        settings = settings.with_(database_url=database_url)
    apps: dict[str, ASGIApp] = {}
    for name in function_names():
        module = importlib.import_module(f"functions.{name}.app")
        apps[name] = module.create_app(settings, site_dir=Path(site_dir))
    return Portal(Path(site_dir), apps)

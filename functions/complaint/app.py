"""The complaint function (随手拍): ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.runtime.factory import create_function_app
from functions.runtime.limits import RouteLimit
from functions.runtime.problems import MEDIA_TYPE
from functions.runtime.settings import Settings, env_integer, site_dir_from_env

from . import catalog as catalog_module
from . import formats, open311, openapi, routes, staff
from .context import Context
from .service import Limits
from .store import MIGRATIONS

#: Room for the form fields and multipart framing around the largest photo.
FORM_OVERHEAD = 256 * 1024
OPEN311_PREFIX = "/open311/v2/"
log = logging.getLogger("tongda.functions.complaint")


def limits_from_env() -> Limits:
    """Per-client, per-reporter and photo limits (``TONGDA_COMPLAINT_*``)."""
    env = os.environ
    defaults = Limits()
    return Limits(
        per_client=env_integer(env, "TONGDA_COMPLAINT_CLIENT_LIMIT", defaults.per_client),
        per_reporter=env_integer(env, "TONGDA_COMPLAINT_REPORTER_LIMIT", defaults.per_reporter),
        photo_bytes=env_integer(env, "TONGDA_COMPLAINT_PHOTO_BYTES", defaults.photo_bytes))


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None,
               data_dir: Path | None = None, limits: Limits | None = None,
               clock: Callable[[], dt.datetime] | None = None) -> FastAPI:
    """Create the complaint app.

    Args:
        settings: Runtime settings (default: from the environment).
        site_dir: The built site, whose ``api/complaint/`` holds the catalog files.
        data_dir: Where ``complaint.yml`` and ``complaint-grid.geojson`` are (wins).
        limits: Per-source and photo limits (default: ``TONGDA_COMPLAINT_*``).
        clock: The time (tests move it).
    """
    try:
        catalog: catalog_module.Catalog | None = catalog_module.load(
            data_dir or catalog_module.find_data_dir(site_dir))
        missing = ""
    except catalog_module.CatalogError as exc:
        if data_dir is not None:
            raise
        # The portal mounts every function: one without its data must not stop the
        # others. It answers 503 naming what is missing, and says so in the log.
        log.error("随手拍未能启动：%s", exc)
        catalog, missing = None, str(exc)
    limits = limits or limits_from_env()
    upload = RouteLimit(max_bytes=limits.photo_bytes + FORM_OVERHEAD)
    app = create_function_app(
        name="complaint", title="随手拍：市民反映问题", version="1.0.0",
        description="市民随手拍、反映城市管理问题（兼容 Open311 GeoReport v2）："
                    "按位置派发到网格，处置、办结、评价与重新办理，全程留痕。",
        routers=[open311.router, routes.router, staff.router], settings=settings,
        migrations=MIGRATIONS,
        limits={"POST /open311/v2/requests.{fmt}": upload, "POST /reports": upload})
    app.state.complaint = Context(catalog, limits, clock, missing=missing)
    app.add_middleware(Open311Errors)
    app.openapi = openapi.wrap(app.openapi)  # type: ignore[method-assign]
    return app


class Open311Errors:
    """Answers under ``/open311/v2/`` are in the standard's error format, whoever refused.

    The runtime's own refusals (a body over the limit, too many requests, a crash) come as
    problem+json; an Open311 client only knows ``errors``/``error``, so they are rewritten
    here in the path's format, status and headers kept.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):  # mounted with the full path kept (Starlette's rule)
            path = path[len(root):]
        if scope["type"] != "http" or not path.startswith(OPEN311_PREFIX):
            await self.app(scope, receive, send)
            return
        fmt = "xml" if path.endswith(".xml") else "json"
        held: Message | None = None
        parts: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers") or []))
                if headers.get("content-type", "").startswith(MEDIA_TYPE):
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await _as_open311(held, b"".join(parts), fmt, send)
                return
            await send(message)

        await self.app(scope, receive, rewrite)


async def _as_open311(start: Message, body: bytes, fmt: str, send: Send) -> None:
    try:
        detail = str(json.loads(body).get("detail") or "")
    except (ValueError, AttributeError):
        detail = ""
    # Open311 answers 400 for any request it cannot take; FastAPI's own check says 422.
    status = 400 if int(start["status"]) == 422 else int(start["status"])
    response = formats.error(fmt, status, detail or "请求未能处理。")
    headers = MutableHeaders(raw=list(start.get("headers") or []))
    del headers["content-type"]
    del headers["content-length"]
    for name, value in response.headers.items():
        headers[name] = value
    await send({"type": "http.response.start", "status": status, "headers": headers.raw})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})


app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

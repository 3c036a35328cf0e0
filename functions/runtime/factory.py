"""What every function shares: settings, storage, errors, limits, audit and OpenAPI.

A function's ``app.py`` calls :func:`create_function_app` with its routers and
migrations and gets a FastAPI app whose OpenAPI description documents every problem
response, ready for uvicorn, for Mangum (AWS Lambda) and for ``tongda serve``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from . import audit, auth, idempotency, problems
from .clients import ClientResolver
from .db import Migration, make_engine, migrate
from .http import Hygiene
from .limits import JsonRoute, RateLimit, RequestLimits, RouteLimit, RouteLimits
from .settings import Settings

_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503)


class Runtime:
    """A function's settings and storage; the engine is created and migrated on first use.

    Lazy so that importing ``app.py`` (Lambda cold start, ``tongda serve`` mounting five
    functions) opens no connection until a request needs one.
    """

    def __init__(self, name: str, settings: Settings, migrations: Sequence[Migration],
                 on_ready: Callable[[Runtime], None] | None = None) -> None:
        self.name = name
        self.settings = settings
        self.migrations = list(migrations)
        self.on_ready = on_ready
        self._engine: Engine | None = None
        self._ready: Engine | None = None
        # Re-entrant: ``on_ready`` reads ``engine`` again on the thread that holds it.
        self._lock = threading.RLock()

    @property
    def engine(self) -> Engine:
        """The migrated engine (created on first access, handed out once ``on_ready`` ran).

        Other threads wait until ``on_ready`` (seeding the site's rules) has finished, so
        no request sees a database that is migrated but not yet seeded.
        """
        if self._ready is not None:
            return self._ready
        with self._lock:
            if self._engine is None:
                engine = make_engine(self.settings.database_url)
                migrate(engine, "runtime", audit.MIGRATIONS + auth.MIGRATIONS
                        + idempotency.MIGRATIONS)
                migrate(engine, self.name, self.migrations)
                audit.attach_from_settings(engine, self.settings)  # sign heads after commits
                self._engine = engine
                try:
                    if self.on_ready:
                        self.on_ready(self)
                finally:
                    self._ready = engine
            return self._engine

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        if self._engine is not None:
            self._engine.dispose()


def audit_router(name: str) -> APIRouter:
    """``GET /audit``: the function's audit entries, for staff with ``audit:read``."""
    router = APIRouter(tags=["审计"], route_class=JsonRoute)
    reader = auth.require("audit:read")

    @router.get("/audit", summary="审计日志（工作人员）", response_model=list[audit.AuditEntry],
                responses=problems.documented(401, 403))
    def read_audit(after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=1000),
                   staff: auth.Staff = Depends(reader),
                   ) -> list[dict[str, Any]]:
        return audit.entries(runtime_of(router).engine, function=name, after=after, limit=limit)

    return router


def runtime_of(router: APIRouter) -> Runtime:
    """The runtime a router was bound to by :func:`create_function_app`."""
    return router.runtime  # type: ignore[attr-defined, no-any-return]


def create_function_app(*, name: str, title: str, description: str, version: str,
                        routers: Sequence[APIRouter], settings: Settings | None = None,
                        migrations: Sequence[Migration] = (),
                        on_ready: Callable[[Runtime], None] | None = None,
                        limits: Mapping[str, RouteLimit] | None = None) -> FastAPI:
    """Build a function's ASGI app with the shared runtime around its routers.

    Args:
        name: The function's name (its ``/api/<name>/`` prefix and storage namespace).
        title: OpenAPI title, in Chinese.
        description: OpenAPI description, in Chinese.
        version: The function's API version.
        routers: Its routers, each made with ``APIRouter(route_class=JsonRoute)``.
        settings: Runtime settings (default: from the environment).
        migrations: The function's own schema migrations, in order.
        on_ready: Called once with the runtime when storage is first ready.
        limits: Per-route limits by ``"METHOD /path"``, e.g. ``{"POST /rulesets":
            RouteLimit(max_bytes=16 * 1024 * 1024, role="match:publish")}``; every other
            route gets ``settings.max_body_bytes`` and ``settings.max_json_depth``.

    Raises:
        TypeError: A router was not made with :class:`JsonRoute`.
        ValueError: A declared limit names no route of the function.
    """
    settings = settings or Settings.from_env()
    runtime = Runtime(name, settings, migrations, on_ready)
    route_limits = RouteLimits(limits or {}, max_bytes=settings.max_body_bytes,
                               max_depth=settings.max_json_depth)
    _check_routes(routers, route_limits.declared)
    app = FastAPI(title=title, description=description, version=version,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.router.route_class = JsonRoute  # routes added on the app itself (tests) as well
    app.state.runtime = runtime
    problems.install(app)
    audit_routes = audit_router(name)
    for router in [*routers, audit_routes]:
        router.runtime = runtime  # type: ignore[attr-defined]
        app.include_router(router)
    app.add_middleware(RequestLimits, runtime=runtime, limits=route_limits)
    # Added after, so it runs before: a client over its rate costs no body read.
    app.add_middleware(RateLimit, runtime=runtime, limit=settings.rate_limit,
                       window=settings.rate_window, table_size=settings.rate_table_size,
                       resolver=ClientResolver(settings.trusted_proxies,
                                               settings.forwarded_header))
    # Added last, so outermost: headers, request id, HEAD and logs for every answer.
    app.add_middleware(Hygiene)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _check_routes(routers: Sequence[APIRouter], declared: Sequence[str]) -> None:
    """Every route parses JSON off the event loop; every declared limit names a route."""
    known: set[str] = set()
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                if not isinstance(route, JsonRoute):
                    raise TypeError(f"路由 {route.path} 所在的 APIRouter 须以 route_class=JsonRoute "
                                    "创建（functions.runtime.limits），请求体才会在工作线程中解析")
                known |= {f"{method} {route.path}" for method in route.methods or ()}
    unknown = [key for key in declared if key not in known]
    if unknown:
        raise ValueError(f"路由限制指向不存在的路由：{'、'.join(unknown)}")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """OpenAPI with every error documented as ``application/problem+json``."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemDetail"] = problems.ProblemDetail.model_json_schema()
    for schemas in ("HTTPValidationError", "ValidationError"):
        components.pop(schemas, None)
    errors = problems.documented(*_ERRORS)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, entry in errors.items():
                responses[str(status)] = entry
    app.openapi_schema = schema
    return schema

"""RFC 9457 problem details: every error a function returns, with Chinese title and detail."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
#: The key under which :class:`functions.runtime.http.Hygiene` keeps a request's id.
SCOPE_REQUEST_ID = "tongda.request_id"
#: The detail of every 500: nothing about what went wrong inside.
UNEXPECTED_DETAIL = "服务器处理请求时出错，请稍后再试；如果问题持续，请联系网站管理员并告知请求编号。"
log = logging.getLogger("tongda.http")

TITLES = {
    400: "请求有误", 401: "需要登录凭证", 403: "没有权限", 404: "找不到该资源",
    405: "不支持该请求方法", 406: "无法提供所要求的格式", 409: "请求冲突",
    413: "请求内容过大", 415: "不支持的内容类型", 422: "请求内容无法处理",
    429: "请求过于频繁", 500: "服务器内部错误", 503: "服务暂不可用",
}
_DETAILS = {
    404: "请检查网址是否正确。", 405: "请查看接口说明（openapi.json）中允许的方法。",
    500: UNEXPECTED_DETAIL,
}


class ProblemDetail(BaseModel):
    """The body of every error response (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None


class Problem(Exception):
    """Raise to answer with a problem; ``extra`` fields are added to the body."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 type: str = "about:blank", headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        self.status = status
        self.title = title or TITLES.get(status, "请求失败")
        self.detail = detail
        self.type = type
        self.headers = headers or {}
        self.extra = extra
        super().__init__(f"{status} {self.title}: {detail}")

    def response(self, instance: str | None = None) -> JSONResponse:
        """Render as an ``application/problem+json`` response."""
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status,
                                "detail": self.detail, **self.extra}
        if instance:
            body["instance"] = instance
        return JSONResponse(body, status_code=self.status, headers=self.headers,
                            media_type=MEDIA_TYPE)


class ServiceError(Exception):
    """A request a function's service refuses, raised below the HTTP layer.

    ``status`` is the HTTP status the app answers with (every app made by the factory
    renders these as problem+json); ``extra`` fields (``reason``, ``errors``…) are added
    to the body. ``str(error)`` is the detail, for command-line tools.
    """

    status = 400

    def __init__(self, detail: str, *, title: str | None = None, **extra: Any) -> None:
        self.detail = detail
        self.title = title
        self.extra = extra
        super().__init__(detail)

    def problem(self) -> Problem:
        """The problem this refusal answers with."""
        return Problem(self.status, self.detail, title=self.title, **self.extra)


class NotFound(ServiceError):
    """No such thing (or not the caller's)."""

    status = 404


class Forbidden(ServiceError):
    """The caller may not do this."""

    status = 403


class Conflict(ServiceError):
    """The state does not allow it (it exists already, it was decided, it has ended)."""

    status = 409


class Refused(ServiceError):
    """The request is understood but not acceptable."""

    status = 422


class Unavailable(ServiceError):
    """What the service needs (the site's data, the rules) is not there yet."""

    status = 503


def _instance(request: Request) -> str:
    return request.scope.get("root_path", "") + request.url.path


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "请求体"


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": _loc(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
              for e in exc.errors()]
    fields = "、".join(dict.fromkeys(e["field"] for e in errors))
    detail = f"以下字段不符合接口说明，请按 openapi.json 修改后重试：{fields}。"
    return Problem(422, detail, errors=errors).response(_instance(request))


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail and \
        exc.status_code not in _DETAILS else _DETAILS.get(exc.status_code, str(exc.detail))
    return Problem(exc.status_code, detail, headers=dict(exc.headers or {})).response(
        _instance(request))


def log_unexpected(scope: MutableMapping[str, Any], exc: BaseException) -> None:
    """Log ``exc`` with its traceback as one JSON line naming the request and its id."""
    log.error(json.dumps({
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "level": "error",
        "request_id": scope.get(SCOPE_REQUEST_ID), "method": scope.get("method"),
        "path": (scope.get("root_path", "") + scope.get("path", ""))[:512],
        "error": f"{type(exc).__name__}: {exc}"[:1000],
        "traceback": "".join(traceback.format_exception(exc)),
    }, ensure_ascii=False))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log_unexpected(request.scope, exc)
    extra = {"request_id": rid} if (rid := request.scope.get(SCOPE_REQUEST_ID)) else {}
    return Problem(500, UNEXPECTED_DETAIL, **extra).response(_instance(request))


def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
    return exc.problem().response(_instance(request))


def install(app: FastAPI) -> None:
    """Make every error of ``app`` a problem+json response."""
    app.add_exception_handler(Problem, lambda r, e: e.response(_instance(r)))  # type: ignore[arg-type,return-value]
    app.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    schema = {"$ref": "#/components/schemas/ProblemDetail"}
    return {s: {"description": TITLES.get(s, "错误"), "content": {MEDIA_TYPE: {"schema": schema}}}
            for s in statuses}

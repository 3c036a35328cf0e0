"""Tongda's extensions beside Open311: the portal's form, the reporter's link, "me too",
near-duplicate suggestions and photos. Errors are ``application/problem+json``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented

from . import schemas
from .context import base_url, client_address, service_of, workflow_of
from .errors import ComplaintError
from .open311 import new_report, read_form
from .service import STAGES
from .views import report_view

router = APIRouter(tags=["随手拍"], route_class=JsonRoute)
_STATUS_PAGE = re.compile(r"^/(?!/)[A-Za-z0-9/_.~-]{0,200}$")


def problem(exc: ComplaintError) -> Problem:
    """The problem+json form of a service error."""
    headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
    extra = {"field": exc.field} if exc.field else {}
    return Problem(exc.status, exc.message, headers=headers, **extra)


def _run(make: Any) -> Any:
    try:
        return make()
    except ComplaintError as exc:
        raise problem(exc) from exc


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


@router.post("/reports", status_code=201, response_model=schemas.Submitted,
             summary="提交问题（门户表单）", responses=documented(400, 403, 404, 409, 413, 422, 429))
async def submit(request: Request) -> Response:
    """The portal's form (form-encoded or multipart with a photo ``media``); no api_key.

    With JavaScript the page posts with ``Accept: application/json`` and an
    ``Idempotency-Key``; a plain form post (no JavaScript) is answered with a redirect
    (303) to the status page named by the form's ``status_page`` field.
    """
    try:
        fields, answers, photo = await read_form(request)
        report = new_report(fields, answers, photo)
    except ComplaintError as exc:
        raise problem(exc) from exc
    hint = client_address(request)
    svc = service_of(request)

    def create(conn: Any) -> Response:
        done = _run(lambda: svc.submit(report, client="web", source_hint=hint, conn=conn))
        body = {"service_request_id": str(done.report.id), "token": done.report.token,
                "reporter_key": done.reporter_key, "service_notice": done.notice,
                "stage": done.report.stage, "stage_label": STAGES[done.report.stage]}
        page = fields.get("status_page", "")
        if _wants_html(request) and _STATUS_PAGE.match(page):
            query = urlencode({"id": body["service_request_id"], "key": done.reporter_key})
            return RedirectResponse(f"{page}?{query}", status_code=303)
        return JSONResponse(body, status_code=201)

    return await idempotent(request, create)


def _key(key: str | None, header: str | None) -> str | None:
    return header or key


@router.get("/reports/{report_id}", response_model=schemas.ReportView,
            summary="查看我反映的问题（反映人链接）", responses=documented(403, 404))
def my_report(report_id: str, request: Request, key: str | None = Query(None, max_length=100),
              x_reporter_key: str | None = Header(None, max_length=100)) -> Any:
    """The report and its public history, for whoever holds the reporter's link key.

    Send the key as ``X-Reporter-Key`` (the status page does) or as ``?key=``.
    """
    def make() -> Any:
        report, history = workflow_of(request).reporter_view(report_id, _key(key, x_reporter_key))
        return report_view(service_of(request), report, base_url(request), history)
    return JSONResponse(_run(make), headers={"Cache-Control": "no-store"})


@router.post("/reports/{report_id}/rating", response_model=schemas.ReportView,
             summary="评价办理结果（反映人）", responses=documented(400, 403, 404, 409, 422))
def rate(report_id: str, body: schemas.RatingIn, request: Request) -> Any:
    """Rate a closed report, 1 to 5; 2 or less lets the reporter reopen it."""
    def make() -> Any:
        report = workflow_of(request).rate(report_id, body.key, body.score, body.comment)
        return report_view(service_of(request), report, base_url(request))
    return _run(make)


@router.post("/reports/{report_id}/reopen", response_model=schemas.ReportView,
             summary="不满意，要求重新办理（反映人）", responses=documented(400, 403, 404, 409, 422))
def reopen(report_id: str, body: schemas.ReopenIn, request: Request) -> Any:
    """Reopen a closed report that the reporter rated as dissatisfied."""
    def make() -> Any:
        report = workflow_of(request).reopen(report_id, body.key, body.reason)
        return report_view(service_of(request), report, base_url(request))
    return _run(make)


@router.get("/nearby", response_model=list[schemas.NearbyReport],
            summary="附近是否已有人反映（提交前查重）", responses=documented(400, 404, 422))
def nearby(request: Request, service_code: str = Query(max_length=64),
           lat: float = Query(ge=-90, le=90), long: float = Query(ge=-180, le=180)) -> Any:
    """Open reports of the same kind within 50 m in the last 7 days: "me too" instead."""
    def make() -> Any:
        svc = service_of(request)
        found = svc.nearby(service_code, lat, long)
        return [{"service_request_id": str(r.id), "distance_m": round(metres),
                 "service_name": svc.service(r.service_code).name,
                 "description": (r.description or "")[:140] or None,
                 "requested_datetime": r.requested_at.isoformat(),
                 "stage_label": STAGES.get(r.stage, r.stage), "supporters": r.supporters}
                for r, metres in found]
    return _run(make)


@router.post("/reports/{report_id}/metoo", response_model=schemas.MeTooOut,
             summary="我也遇到了（附议）", responses=documented(404, 409, 422))
def me_too(report_id: str, body: schemas.MeTooIn, request: Request) -> Any:
    """Add one supporter to an open report, once per phone (or network address)."""
    def make() -> Any:
        report, counted = service_of(request).me_too(report_id,
                                                      body.phone or client_address(request))
        return {"service_request_id": str(report.id), "supporters": report.supporters,
                "counted": counted}
    return _run(make)


@router.get("/media/{name}", summary="问题照片", responses=documented(404),
            response_class=Response)
async def photo(name: str, request: Request) -> Response:
    """A stored photo (metadata removed when it was received)."""
    svc = service_of(request)
    try:
        data, content_type = await anyio.to_thread.run_sync(svc.photo, name)
    except ComplaintError as exc:
        raise problem(exc) from exc
    # The name is random and the bytes never change.
    return Response(data, media_type=content_type,
                    headers={"Cache-Control": "public, max-age=31536000, immutable",
                             "Content-Disposition": "inline"})

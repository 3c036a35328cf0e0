"""Routes for the teams that handle reports (tokens with the role ``handler``).

A token made with ``--subject <team id>`` acts on its team's reports only; one without a
subject acts city-wide. The triage team assigns reports that no grid cell took.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from functions.runtime import auth
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import documented

from . import schemas
from .context import actor_of, base_url, service_of, workflow_of
from .roles import HANDLER
from .routes import _run
from .views import report_view, staff_view

router = APIRouter(prefix="/staff", tags=["处置（工作人员）"], route_class=JsonRoute)
handler = auth.require(HANDLER)
_ERRORS = documented(400, 401, 403, 404, 409, 422)


@router.get("/queue", response_model=list[schemas.ReportView], summary="本队伍的问题",
            responses=documented(401, 403, 422))
def queue(request: Request, status: str = Query("open", pattern="^(open|closed)$"),
          overdue: bool = False, staff: auth.Staff = Depends(handler)) -> Any:
    """Open (or closed) reports of the token's team, newest first; ``overdue`` for late ones."""
    svc = service_of(request)
    found = workflow_of(request).queue(actor_of(staff), status=status, overdue_only=overdue)
    base = base_url(request)
    return [report_view(svc, r, base) for r in found]


@router.get("/reports/{report_id}", summary="问题详情（含反映人联系方式，读取留痕）",
            responses=_ERRORS)
def detail(report_id: str, request: Request, staff: auth.Staff = Depends(handler)) -> Any:
    """Everything about a report; reading the reporter's contact is itself audited."""
    def make() -> Any:
        report, history, contact = workflow_of(request).staff_view(actor_of(staff), report_id)
        return staff_view(service_of(request), report, base_url(request), history, contact)
    return _run(make)


def _view(request: Request, report: Any) -> Any:
    return report_view(service_of(request), report, base_url(request))


@router.post("/reports/{report_id}/accept", response_model=schemas.ReportView,
             summary="受理", responses=_ERRORS)
def accept(report_id: str, body: schemas.AcceptIn, request: Request,
           staff: auth.Staff = Depends(handler)) -> Any:
    """Take the report on (已派发 or 重新办理 → 处置中)."""
    return _run(lambda: _view(request, workflow_of(request).accept(
        actor_of(staff), report_id, body.note)))


@router.post("/reports/{report_id}/updates", response_model=schemas.ReportView,
             summary="进展说明", responses=_ERRORS)
def add_update(report_id: str, body: schemas.UpdateIn, request: Request,
               staff: auth.Staff = Depends(handler)) -> Any:
    """A progress note, public or for staff only."""
    return _run(lambda: _view(request, workflow_of(request).update(
        actor_of(staff), report_id, body.note, public=body.public)))


@router.post("/reports/{report_id}/assign", response_model=schemas.ReportView,
             summary="分拨到网格", responses=_ERRORS)
def assign(report_id: str, body: schemas.AssignIn, request: Request,
           staff: auth.Staff = Depends(handler)) -> Any:
    """Send a report to a grid cell's team (the triage team, or city-wide staff)."""
    return _run(lambda: _view(request, workflow_of(request).assign(
        actor_of(staff), report_id, body.cell_id)))


@router.post("/reports/{report_id}/close", response_model=schemas.ReportView,
             summary="办结", responses=_ERRORS)
def close(report_id: str, body: schemas.CloseIn, request: Request,
          staff: auth.Staff = Depends(handler)) -> Any:
    """Close with what was done; a closed report changes only if its reporter reopens it."""
    return _run(lambda: _view(request, workflow_of(request).close(
        actor_of(staff), report_id, body.notes)))

"""HTTP routes of the applications function; the logic lives in :mod:`service`.

Every POST that changes something runs through the runtime's ``idempotent``: the effect,
its audit entry and the stored response for the ``Idempotency-Key`` commit in one
transaction. The caller is always the token's principal; an applicant's subject comes
from the token, never from the body.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented

from .config import build_service
from .identity import Principal
from .proactive import run_proactive
from .roles import APPLICANT, PAYMENTS, REVIEWER
from .schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationSummary,
    DecisionIn,
    Payment,
    ProactiveOut,
    Profile,
    Stats,
)
from .service import ApplyService

router = APIRouter(route_class=JsonRoute)


def service_of(request: Request) -> ApplyService:
    """The app's service (one per app: it caches the compiled rules and the registry)."""
    state = request.app.state
    if getattr(state, "apply_service", None) is None:
        state.apply_service = build_service(state.runtime.engine, state.apply_settings,
                                            clock=state.apply_clock,
                                            trusted=state.apply_trusted)
    return state.apply_service  # type: ignore[no-any-return]


def principal(request: Request) -> Principal:
    """The caller behind the ``Authorization`` header (401 without a valid one)."""
    return request.app.state.apply_identity.principal(  # type: ignore[no-any-return]
        request.app.state.runtime.engine, request.headers.get("authorization"))


def _require(p: Principal, *roles: str) -> Principal:
    if not p.has_any(roles):
        raise Problem(403, f"此操作需要“{'”或“'.join(roles)}”角色，当前令牌没有。请向管理员申请。",
                      reason="missing_role")
    return p


def applicant(p: Principal = Depends(principal)) -> Principal:
    """An applicant (role ``applicant``)."""
    return _require(p, APPLICANT)


def reviewer(p: Principal = Depends(principal)) -> Principal:
    """A reviewer (role ``reviewer``)."""
    return _require(p, REVIEWER)


def payments_system(p: Principal = Depends(principal)) -> Principal:
    """The payment system (role ``payments``)."""
    return _require(p, PAYMENTS)


def _json(body: Any, status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers or None)


@router.post("/applications", status_code=201, response_model=ApplicationOut, tags=["申请"],
             summary="提交申请（秒报秒批秒付）", responses=documented(401, 403, 404, 409, 422))
async def submit(body: ApplicationIn, request: Request,
                 who: Principal = Depends(applicant)) -> Response:
    """Apply for a policy; decided in the same request when the shared data allow.

    ``approved`` carries its payment instruction; ``rejected`` each unmet condition;
    ``pending`` the committed date (``due``) by which a reviewer decides. Honours
    ``Idempotency-Key``: a retry with the same key gets the same answer, and one subject
    has at most one application per policy and period (409 otherwise).
    """
    service = service_of(request)
    # Decided before the transaction: the trusted-data lookup may be an HTTP call, and the
    # rules are read through a connection of their own, neither of which may wait while
    # this request holds a database connection (20 at once would empty the pool).
    prepared = await anyio.to_thread.run_sync(
        service.prepare, who, body.policy, body.facts, body.materials)

    def create(conn: Connection) -> Response:
        view = service.commit(conn, prepared, who)
        return _json(view, 201, Location=f"applications/{view['id']}")

    return await idempotent(request, create)


@router.get("/applications", response_model=list[ApplicationSummary], tags=["申请"],
            summary="我的申请", responses=documented(401, 403))
def mine(request: Request, limit: int = Query(100, ge=1, le=500),
         who: Principal = Depends(applicant)) -> Response:
    """The caller's own applications, newest first."""
    return _json(service_of(request).mine(who, limit=limit))


@router.get("/applications/{application_id}", response_model=ApplicationOut, tags=["申请"],
            summary="申请的状态和经过", responses=documented(401, 404))
def show(request: Request, application_id: str = PathParam(max_length=40),
         who: Principal = Depends(principal)) -> Response:
    """One application with its conditions, facts and history: to its owner and to staff."""
    return _json(service_of(request).get(who, application_id))


@router.post("/applications/{application_id}/decision", response_model=ApplicationOut,
             tags=["审核"], summary="审核决定（审核人员）",
             responses=documented(401, 403, 404, 409, 422))
async def decide(body: DecisionIn, request: Request,
                 application_id: str = PathParam(max_length=40),
                 who: Principal = Depends(reviewer)) -> Response:
    """Approve (with its payment instruction) or reject a pending application, with a reason."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        return _json(service.review(conn, who, application_id,
                                    approve=body.decision == "approve", reason=body.reason,
                                    amount_fen=body.amount_fen))

    return await idempotent(request, create)


@router.get("/queue", response_model=list[ApplicationSummary], tags=["审核"],
            summary="待审核队列（审核人员）", responses=documented(401, 403))
def queue(request: Request, overdue: bool = Query(False, description="只列出已超过承诺时限的"),
          limit: int = Query(100, ge=1, le=1000),
          who: Principal = Depends(reviewer)) -> Response:
    """Pending applications, soonest due first; ``overdue`` flags those past their limit."""
    return _json(service_of(request).queue(overdue_only=overdue, limit=limit))


@router.post("/proactive/{policy_id}", response_model=ProactiveOut, tags=["审核"],
             summary="运行免申即享（审核人员）", responses=documented(401, 403, 404, 422))
def proactive(request: Request, policy_id: str = PathParam(max_length=200),
              who: Principal = Depends(reviewer)) -> Response:
    """Approve and pay every qualifying subject in the shared data that has not applied.

    Running it again creates nothing new, so it needs no ``Idempotency-Key``.
    """
    return _json(run_proactive(service_of(request), policy_id, who).as_dict())


@router.get("/payments", response_model=list[Payment], tags=["支付"],
            summary="待支付的支付指令（支付系统）", responses=documented(401, 403))
def payments(request: Request, limit: int = Query(100, ge=1, le=1000),
             who: Principal = Depends(payments_system)) -> Response:
    """Payment instructions not yet acknowledged, oldest first."""
    return _json(service_of(request).payments(limit=limit))


@router.post("/payments/{payment_id}/ack", response_model=Payment, tags=["支付"],
             summary="确认收到支付指令（支付系统）", responses=documented(401, 403, 404))
async def ack(request: Request, payment_id: str = PathParam(max_length=40),
              who: Principal = Depends(payments_system)) -> Response:
    """Acknowledge an instruction; it is then no longer listed. Acknowledging again is harmless."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        return _json(service.ack(conn, who, payment_id))

    return await idempotent(request, create)


@router.get("/profile", response_model=Profile, tags=["申请"],
            summary="共享数据中我的信息", responses=documented(401, 403, 404))
def profile(request: Request, policy: str | None = Query(None, max_length=200),
            who: Principal = Depends(applicant)) -> Response:
    """What shared data hold about the caller's subject (only the facts ``policy`` reads)."""
    return _json(service_of(request).profile(who, policy))


@router.get("/stats", response_model=Stats, tags=["统计"], summary="公开的办理统计")
def stats(request: Request) -> Response:
    """Per policy: applications, approvals, amounts and the median time to a decision.

    Anonymous and public: counts only, nothing about any applicant.
    """
    return _json(service_of(request).stats())


__all__ = ["router"]

"""HTTP routes of subscriptions, one-click unsubscribing and bounces.

A subscriber is the principal behind the ``Authorization`` header (a local token with
``--subject``, or an OpenID Connect ID token, as for applications); the subscription's
owner always comes from there, never from the body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.engine import Connection

from functions.apply.identity import Principal
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented

from . import pages
from .roles import MAIL, REPORT
from .schemas import BounceIn, SubscriptionIn, SubscriptionOut, SubscriptionPatch
from .service import Engage, build
from .subscriptions import CONSENT_TEXT, pause_address

router = APIRouter(route_class=JsonRoute)
SubscriptionId = PathParam(max_length=32, pattern=r"^[A-Z0-9]+$")


def engage_of(request: Request) -> Engage:
    """The app's engage parts (made on first use: the engine opens lazily)."""
    state = request.app.state
    if getattr(state, "engage", None) is None:
        state.engage = build(state.runtime.engine, state.engage_settings,
                             clock=state.engage_clock, words=state.engage_words)
    return state.engage  # type: ignore[no-any-return]


def principal(request: Request) -> Principal:
    """The caller behind the ``Authorization`` header (401 without a valid one)."""
    return request.app.state.engage_identity.principal(  # type: ignore[no-any-return]
        request.app.state.runtime.engine, request.headers.get("authorization"))


def _json(body: Any, status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers or None)


def _home(request: Request) -> str:
    """The portal's root path as the browser sees it (``/`` behind ``/api/engage``)."""
    root = request.scope.get("root_path", "")
    return root[: -len("/api/engage")] + "/" if root.endswith("/api/engage") else "/"


@router.get("/consent", tags=["订阅"], summary="画像订阅的同意书")
def consent() -> Response:
    """The text a subscriber agrees to before a profile subscription keeps their facts."""
    return _json({"text": CONSENT_TEXT})


@router.post("/subscriptions", status_code=201, response_model=SubscriptionOut, tags=["订阅"],
             summary="新建订阅", responses=documented(401, 403, 409, 422, 503))
async def subscribe(body: SubscriptionIn, request: Request,
                    who: Principal = Depends(principal)) -> Response:
    """Subscribe to tags, or (with consent) to one's own profile, on one channel.

    A webhook's signing secret (``whsec_…``) is in this answer only. Honours
    ``Idempotency-Key``.
    """
    engage = engage_of(request)

    def create(conn: Connection) -> Response:
        view = engage.subscriptions.subscribe(conn, who, body)
        return _json(view, 201, Location=f"subscriptions/{view['id']}")

    return await idempotent(request, create, caller=who.actor)


@router.get("/subscriptions", response_model=list[SubscriptionOut], tags=["订阅"],
            summary="我的订阅", responses=documented(401, 403))
def mine(request: Request, who: Principal = Depends(principal)) -> Response:
    """The caller's subscriptions, newest first."""
    return _json(engage_of(request).subscriptions.mine(who))


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut,
              tags=["订阅"], summary="暂停、恢复或改为每日汇总",
              responses=documented(401, 403, 404, 422))
def change(body: SubscriptionPatch, request: Request,
           subscription_id: str = SubscriptionId,
           who: Principal = Depends(principal)) -> Response:
    """Pause or resume one's subscription, or switch between immediate and daily."""
    engage = engage_of(request)
    with engage.engine.begin() as conn:
        return _json(engage.subscriptions.change(conn, who, subscription_id, body))


@router.delete("/subscriptions/{subscription_id}", status_code=204, tags=["订阅"],
               summary="删除订阅", responses=documented(401, 403, 404))
def delete(request: Request, subscription_id: str = SubscriptionId,
           who: Principal = Depends(principal)) -> Response:
    """Delete one's subscription; its address, profile and secret are erased."""
    engage = engage_of(request)
    with engage.engine.begin() as conn:
        engage.subscriptions.delete(conn, who, subscription_id)
    return Response(status_code=204)


Token = PathParam(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@router.get("/unsubscribe/{token}", tags=["订阅"], summary="退订确认页（邮件中的链接）",
            response_class=Response, responses={200: {"content": {"text/html": {}}}})
def unsubscribe_page(request: Request, token: str = Token) -> Response:
    """A page with one button: opening a link must not unsubscribe (link checkers do it)."""
    return pages.unsubscribe_confirm(home=_home(request))


@router.post("/unsubscribe/{token}", tags=["订阅"], summary="一键退订（RFC 8058）",
             response_class=Response, responses={200: {"content": {"text/html": {}}}})
def unsubscribe(request: Request, token: str = Token) -> Response:
    """One-click unsubscribe: mail clients POST ``List-Unsubscribe=One-Click`` here.

    No sign-in, no cookie: the token in the address is the authority. Answering again
    for an ended subscription is harmless.
    """
    engage = engage_of(request)
    with engage.engine.begin() as conn:
        found = engage.subscriptions.unsubscribe(conn, token)
    return pages.unsubscribed(found=found, home=_home(request))


@router.post("/bounces", tags=["订阅"], summary="报告退信（邮件系统）",
             responses=documented(401, 403, 422))
def bounce(body: BounceIn, request: Request, who: Principal = Depends(principal)) -> Response:
    """A permanent delivery failure the mail system learned later (a DSN): pause the address."""
    if not who.has(MAIL):
        raise Problem(403, f"此操作需要“{MAIL}”角色，当前令牌没有。请向管理员申请。",
                      reason="missing_role")
    engage = engage_of(request)
    with engage.engine.begin() as conn:
        ids = pause_address(conn, body.address.strip(), actor=who.actor,
                            reason=body.reason or "退信", now=engage.clock())
    return _json({"paused": len(ids)})


@router.get("/report", tags=["政声"], summary="政声报告（工作人员）",
            responses={**documented(401, 403), 200: {"content": {"text/html": {}}}})
def voice_report(request: Request, weeks: int = Query(8, ge=5, le=52),
                 format: str = Query("json", pattern="^(json|html)$"),
                 who: Principal = Depends(principal)) -> Response:
    """What the public is asking: by week, topic and district, rising terms, unanswered
    questions, subscriptions by tag. Counts only, nothing personal (role ``engage:report``)."""
    if not who.has(REPORT):
        raise Problem(403, f"此操作需要“{REPORT}”角色，当前令牌没有。请向管理员申请。",
                      reason="missing_role")
    from .voice import report
    from .voice_html import render

    engage = engage_of(request)
    data = report(engage.engine, engage.site, engage.clock(), weeks=weeks,
                  words=engage.consultations.words)
    if format == "html":
        return HTMLResponse(render(data, stylesheet=_home(request) + "assets/css/tongda.css"))
    return _json(data)

"""HTTP routes of consultation on drafts: comments (JSON or a plain form), moderation, summary."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from functions.apply.identity import Principal
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JSON_KEY, JsonRoute
from functions.runtime.problems import Problem, documented

from . import pages
from .roles import MODERATOR
from .routes import _home, engage_of, principal
from .schemas import CommentIn, DecisionIn
from .subscriptions import EngageError

router = APIRouter(route_class=JsonRoute)
PolicyId = PathParam(max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")
FORM = "application/x-www-form-urlencoded"


def moderator(who: Principal = Depends(principal)) -> Principal:
    """A moderator (role ``moderator``)."""
    if not who.has(MODERATOR):
        raise Problem(403, f"此操作需要“{MODERATOR}”角色，当前令牌没有。请向管理员申请。",
                      reason="missing_role")
    return who


@router.get("/consultations/{policy_id}", tags=["征求意见"], summary="征求意见的基本情况",
            responses=documented(404, 503))
def consultation(request: Request, policy_id: str = PolicyId) -> Response:
    """Deadline, whether comments are taken, the sections, how many came so far."""
    return JSONResponse(engage_of(request).consultations.info(policy_id))


def _form_fields(form: Any) -> dict[str, Any]:
    return {key: (str(form.get(key)) if form.get(key) not in (None, "") else None)
            for key in ("section", "text", "name", "contact")}


async def _comment_from(request: Request) -> tuple[CommentIn, bool]:
    """The comment and whether it came from the plain HTML form."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == FORM:
        fields = _form_fields(await request.form())
        fields["section"] = fields["section"] or ""
        fields["text"] = fields["text"] or ""
        return CommentIn.model_validate(fields), True
    if kind != "application/json":
        raise Problem(415, "意见请以 JSON（application/json）或网页表单"
                      "（application/x-www-form-urlencoded）提交。")
    if JSON_KEY not in request.scope:  # the limits parse every non-empty JSON body
        raise Problem(422, "请求体为空：请提交意见内容。")
    return CommentIn.model_validate(request.scope[JSON_KEY]), False


@router.post("/consultations/{policy_id}/comments", status_code=201, tags=["征求意见"],
             summary="提交意见（JSON，或网页表单的普通 POST）",
             responses=documented(404, 409, 415, 422, 503))
async def comment(request: Request, policy_id: str = PolicyId) -> Response:
    """Comment on a draft until its deadline.

    JSON answers 201 with the comment's id. The draft page's form (no JavaScript) posts
    ``application/x-www-form-urlencoded`` and is sent back to the page (303), where a
    notice says the comment was received; a refusal is a page saying why.
    """
    engage = engage_of(request)
    try:
        body, from_form = await _comment_from(request)
    except ValidationError as exc:
        detail = "意见内容为 2 至 2000 个字，请选择针对的部分并填写内容。"
        if request.headers.get("content-type", "").startswith(FORM):
            return pages.refused("意见未能提交", detail, request.headers.get("referer") or _home(request),
                                 status=422, home=_home(request))
        raise Problem(422, detail, errors=[{"field": ".".join(map(str, e["loc"])),
                                            "message": e["msg"]} for e in exc.errors()]) from None

    def create(conn: Connection) -> Response:
        return JSONResponse(engage.consultations.comment(conn, policy_id, body), status_code=201)

    if not from_form:
        return await idempotent(request, create)
    try:
        await idempotent(request, create)
    except EngageError as exc:
        back = engage.consultations.consultation(policy_id).url if exc.status not in (404, 503) else ""
        return pages.refused("意见未能提交", exc.detail, _home(request) + back + "#td-consult",
                             status=exc.status, home=_home(request))
    url = engage.consultations.consultation(policy_id).url
    return RedirectResponse(_home(request) + url + "#td-consult-received", status_code=303)


@router.get("/consultations/{policy_id}/summary", tags=["征求意见"],
            summary="截止后的意见汇总（公开）", responses=documented(404, 409, 503))
def summary(request: Request, policy_id: str = PolicyId) -> Response:
    """After the deadline: counts by section and the approved comments (no names, no contacts)."""
    return JSONResponse(engage_of(request).consultations.summary(policy_id))


@router.get("/moderation", tags=["征求意见"], summary="待审核的意见（审核人员）",
            responses=documented(401, 403))
def queue(request: Request, state: str = Query("pending", pattern="^(pending|approved|rejected)$"),
          policy: str | None = Query(None, max_length=200),
          limit: int = Query(100, ge=1, le=1000),
          who: Principal = Depends(moderator)) -> Response:
    """Comments in a state, oldest first, with the sensitive-word filter's findings."""
    return JSONResponse(engage_of(request).consultations.queue(state=state, policy=policy,
                                                               limit=limit))


@router.post("/comments/{comment_id}/decision", tags=["征求意见"],
             summary="审核意见（审核人员）", responses=documented(401, 403, 404, 409, 422))
async def decide(body: DecisionIn, request: Request,
                 comment_id: str = PathParam(max_length=32, pattern=r"^[A-Z0-9]+$"),
                 who: Principal = Depends(moderator)) -> Response:
    """Approve (published in the summary after the deadline) or reject a comment."""
    engage = engage_of(request)

    def create(conn: Connection) -> Response:
        return JSONResponse(engage.consultations.decide(
            conn, who, comment_id, approve=body.decision == "approve", reason=body.reason))

    return await idempotent(request, create, caller=who.actor)

"""HTTP routes of the match function; the logic lives in :mod:`service`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from functions.runtime import auth
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented

from .schemas import FactsResponse, MatchRequest, MatchResponse, RulesetIn, RulesetInfo
from .service import MatchService, NoRuleset, ProfileError, ruleset_problems
from .store import MatchStore

router = APIRouter(route_class=JsonRoute)


def service_of(request: Request) -> MatchService:
    """The app's match service (one per app, sharing its compiled rules)."""
    state = request.app.state
    if getattr(state, "match_service", None) is None:
        state.match_service = MatchService(MatchStore(state.runtime.engine))
    return state.match_service  # type: ignore[no-any-return]


def _matcher(request: Request) -> tuple[int, Any]:
    try:
        return service_of(request).matcher()
    except NoRuleset:
        raise Problem(503, "尚未发布政策规则：请先构建站点（tongda build）并发布 api/match/rules.json。"
                      ) from None


@router.post("/match", response_model=MatchResponse, tags=["匹配"], summary="按画像匹配政策",
             responses=documented(422, 503))
def match(body: MatchRequest, request: Request) -> Response:
    """Match an enterprise or person profile against every policy; best matches first.

    Each condition is met, unmet or unknown (a fact not given is unknown, not unmet). A
    coded option may be sent as its code or its label (``390102`` or 滨江区); ``limit``
    returns only the best matches.
    """
    _matcher(request)
    try:
        result = service_of(request).match(body.subject, body.profile, body.policies,
                                           body.limit)
        # Built by the service in the documented shape (the fuzz tests check it against the
        # schema); re-validating 1,000 results through pydantic would double the latency.
        return Response(json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                        media_type="application/json")
    except ProfileError as exc:
        errors = [{"field": f"profile.{name}" if name != "subject" else name, "message": msg}
                  for name, msg in exc.problems]
        raise Problem(422, "画像中的事实与声明不符，请按 facts 接口的类型和取值修改：" + "；".join(
            f"{e['field']}：{e['message']}" for e in errors), title="画像不符合事实声明",
            errors=errors) from exc


@router.get("/facts", response_model=FactsResponse, tags=["匹配"], summary="可填写的事实",
            responses=documented(503))
def facts(request: Request) -> dict[str, Any]:
    """The facts an enterprise or a person can declare, with types, units and options."""
    _, matcher = _matcher(request)
    return {subject: [f.model_dump() for f in by_name.values()]
            for subject, by_name in matcher.facts.items()}


@router.get("/rulesets/current", response_model=RulesetInfo, tags=["规则"],
            summary="当前规则版本", responses=documented(503))
def current(request: Request) -> dict[str, Any]:
    """The revision of the rules in force."""
    stored = service_of(request).store.get(with_document=False)
    if stored is None:
        raise Problem(503, "尚未发布政策规则：请先构建站点并发布 api/match/rules.json。")
    return _info(stored)


def _info(stored: Any) -> dict[str, Any]:
    return {"revision": stored.revision, "digest": stored.digest,
            "created_at": stored.created_at.isoformat(), "policy_count": stored.policy_count}


_publisher = auth.require("match:publish")


@router.post("/rulesets", status_code=201, response_model=RulesetInfo, tags=["规则"],
             summary="发布规则（工作人员）", responses=documented(401, 403, 409, 422))
async def publish(body: RulesetIn, request: Request,
                  staff: auth.Staff = Depends(_publisher)) -> Response:
    """Publish a new rule set (the build's ``api/match/rules.json``); honours Idempotency-Key.

    The token and the body's size were checked before the body was read (the app's
    ``limits``); checking the rules and storing them run in a worker thread, in the
    transaction that also keeps the response for the Idempotency-Key.
    """
    store = service_of(request).store
    actor = staff.actor

    def create(conn: Connection) -> JSONResponse:
        document = body.model_dump(mode="json")
        problems = ruleset_problems(document)
        if problems:
            raise Problem(422, "规则有误，未发布：" + "；".join(problems[:20]),
                          title="规则未通过校验", errors=problems)
        stored = store.publish(conn, document, actor=actor)
        return JSONResponse(_info(stored), status_code=201,
                            headers={"Location": f"rulesets/{stored.revision}"})

    return await idempotent(request, create)

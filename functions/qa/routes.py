"""HTTP routes of the Q&A function; the logic lives in :mod:`answer` and :mod:`service`."""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from functions.runtime import auth
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented
from functions.runtime.wordfilter import WordFilter

from .answer import Answerer, Refused
from .roles import CONSULTANT, REPORT
from .schemas import (
    QUESTION_MAX,
    AnswerIn,
    AskOut,
    FeedbackIn,
    QuestionIn,
    QuestionOut,
    Submitted,
    VotesOut,
)
from .service import QaService, refusal
from .site import Site, SiteUnavailable

router = APIRouter(route_class=JsonRoute)
log = logging.getLogger("tongda.qa")
QuestionId = PathParam(max_length=32, pattern=r"^ZX[0-9A-F]{16}$")
consultant = auth.require(CONSULTANT)
reporter = auth.require(REPORT)


def _words(request: Request) -> WordFilter:
    state = request.app.state
    if state.qa_words is None:
        state.qa_words = WordFilter.from_env()
    return state.qa_words  # type: ignore[no-any-return]


def answerer(request: Request) -> Answerer:
    """The app's answerer (one per app: it keeps the loaded index)."""
    state = request.app.state
    if state.qa_answerer is None:
        state.qa_answerer = Answerer(Site(state.qa_site_dir), _words(request))
    return state.qa_answerer  # type: ignore[no-any-return]


def service_of(request: Request) -> QaService:
    """The app's feedback and consultation service."""
    state = request.app.state
    if state.qa_service is None:
        state.qa_service = QaService(state.runtime.engine, _words(request), state.qa_clock)
    return state.qa_service  # type: ignore[no-any-return]


def _json(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


@router.get("/ask", response_model=AskOut, tags=["问答"], summary="提问",
            responses=documented(422))
async def ask(request: Request,
              q: str = Query(min_length=1, max_length=QUESTION_MAX, description="问题，用自己的话"),
              literal: bool = Query(False, description="不纠正错别字，按原样查找（“仍搜索”）")
              ) -> Response:
    """Answer a question from the portal's own content.

    ``answers`` are the search's results in the search page's order, each with a passage
    of the page's text (a service guide also with its key facts and next steps).
    ``corrected_query`` when a typo or pinyin was read as another word; ``clarify`` when
    the best answers are close and of different kinds; ``fallback`` when nothing answers
    well enough (``answers`` then are only "may be related"); a complaint puts the 随手拍
    form first. Listed sensitive words are refused (422), and the question is not kept.
    A site built without its search index can only offer ``fallback``.
    """
    if not q.strip():
        raise Problem(422, "请输入问题。", reason="empty_question")
    who = answerer(request)
    try:
        return _json(await anyio.to_thread.run_sync(lambda: who.ask(q.strip(), literal=literal)))
    except Refused as exc:
        raise refusal(exc) from None
    except SiteUnavailable:
        # Nothing to answer from, but a person still can: the question may be submitted.
        log.warning("智能问答：网站没有搜索索引（%s），只能转人工", request.app.state.qa_site_dir)
        return _json(who.unanswerable(q.strip()))


@router.post("/feedback", status_code=201, tags=["问答"], summary="评价回答（满意/不满意）",
             responses=documented(409, 422))
async def give_feedback(body: FeedbackIn, request: Request) -> Response:
    """Record 满意 (``up``) or 不满意 (``down``) on an answer. The build reads the counts
    and moves pages within bounds (a few votes cannot bury a right answer)."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        return _json(service.vote(conn, page=body.page, vote=body.vote, q=body.q), 201)

    return await idempotent(request, create)


@router.post("/questions", status_code=201, response_model=Submitted, tags=["转人工"],
             summary="提交问题给工作人员", responses=documented(409, 422))
async def submit(body: QuestionIn, request: Request) -> Response:
    """Submit a question the robot could not answer. The answer gives the question's
    ``id`` and a ``code`` (shown only this once) to read the answer with later."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        try:
            return _json(service.submit(conn, question=body.question, contact=body.contact), 201)
        except Refused as exc:
            raise refusal(exc) from None

    return await idempotent(request, create)


@router.get("/questions/{question_id}", response_model=QuestionOut, tags=["转人工"],
            summary="查看提交的问题及答复", responses=documented(404))
def read(request: Request, question_id: str = QuestionId,
         code: str | None = Header(None, alias="X-Question-Code", max_length=64,
                                   description="提交时得到的查询码")) -> Response:
    """The asker's question and, once a consultant answered, the answer."""
    return _json(service_of(request).read(question_id, code))


@router.get("/queue", response_model=list[QuestionOut], tags=["转人工"],
            summary="待答复的问题（咨询员）", responses=documented(401, 403))
def queue(request: Request, limit: int = Query(100, ge=1, le=1000),
          staff: auth.Staff = Depends(consultant)) -> Response:
    """Questions waiting for an answer, oldest first (with the asker's contact)."""
    return _json(service_of(request).queue(limit))


@router.post("/questions/{question_id}/answer", response_model=QuestionOut, tags=["转人工"],
             summary="答复问题（咨询员）", responses=documented(401, 403, 404, 409, 422))
async def answer(body: AnswerIn, request: Request, question_id: str = QuestionId,
                 staff: auth.Staff = Depends(consultant)) -> Response:
    """Answer an open question; the asker then sees it. A question is answered once (409)."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        return _json(service.answer(conn, question_id, text=body.answer, actor=staff.actor))

    return await idempotent(request, create)


@router.get("/feedback/votes", response_model=VotesOut, tags=["问答"],
            summary="满意度统计（网站生成时读取）", responses=documented(401, 403))
def votes(request: Request, staff: auth.Staff = Depends(reporter)) -> Response:
    """Votes per page, as ``content/_data/qa-feedback.json`` holds them for the build."""
    return _json(service_of(request).votes())


__all__ = ["router"]

"""HTTP routes of the voucher function; the logic lives in :mod:`service`.

Every POST that changes something runs through the runtime's ``idempotent``: the effect,
its log leaves, its audit entry and the stored response for the ``Idempotency-Key``
commit in one transaction. Who acts comes from the token, never from the body: a citizen
is the token's ``subject``, a requester the token's organisation. The log, the status
list, the DID document and the catalogue are public.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.engine import Connection

from functions.runtime import auth
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem, documented

from . import merkle, views
from .encoding import b64, unb64
from .roles import CITIZEN, REQUESTER
from .schemas import (
    AuthoriseIn,
    CatalogueOut,
    ConsistencyOut,
    History,
    IdentityOut,
    InclusionOut,
    RequestIn,
    RequestOut,
)
from .service import Party, VoucherService

router = APIRouter(route_class=JsonRoute)
_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
VC_TYPE = "application/vc+ld+json"


class CredentialResponse(JSONResponse):
    """A Verifiable Credential (the voucher, the status list)."""

    media_type = VC_TYPE


class DidResponse(JSONResponse):
    """A DID document."""

    media_type = "application/did+json"


def service_of(request: Request) -> VoucherService:
    """The app's service (made once, when storage is first ready)."""
    state = request.app.state
    state.runtime.engine  # noqa: B018 - storage ready (and the service made) before it is used
    if getattr(state, "voucher_service", None) is None:
        raise Problem(503, "数据凭证服务暂不可用：" + getattr(state, "voucher_unavailable", "尚未就绪。"))
    return state.voucher_service  # type: ignore[no-any-return]


def _staff(request: Request) -> auth.Staff:
    return auth.authenticate(request.app.state.runtime.engine, request.headers.get("authorization"))


def requester(request: Request) -> Party:
    """A requester: its organisation (the token's subject) or, without one, the token."""
    staff = _staff(request)
    if not staff.has(REQUESTER):
        raise Problem(403, "此操作需要“requester”（数据凭证请求方）角色，当前令牌没有。",
                      reason="missing_role")
    return Party(staff.subject or f"token:{staff.token_id}", staff.name, staff.actor)


def citizen(request: Request) -> Party:
    """A citizen: the token's subject, who alone decides about their own data."""
    staff = _staff(request)
    if not staff.has(CITIZEN):
        raise Problem(403, "此操作需要“citizen”（市民本人）角色，当前令牌没有。", reason="missing_role")
    if not staff.subject:
        raise Problem(403, "令牌没有绑定本人身份（--subject 公民身份号码），无法查看或授权。",
                      reason="missing_subject")
    return Party(staff.subject, "本人", staff.actor)


def _json(body: Any, status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json", headers=headers or None)


@router.get("/catalogue", response_model=CatalogueOut, tags=["公开"], summary="数据目录")
def catalogue(request: Request) -> dict[str, Any]:
    """The data kinds a requester may ask for, and who provides each."""
    service = service_of(request)
    return {"issuer": service.catalogue.issuer_name,
            "kinds": [k.public() | {"description": k.description}
                      for k in service.catalogue.kinds.values()]}


@router.get("/identity", response_model=IdentityOut, tags=["公开"], summary="授权前的身份核验方式")
def identity(request: Request) -> dict[str, str]:
    """The identity step before an authorisation: ``simulated`` locally, so the citizen's
    page presents a simulated check; another method (``face``) is run by the portal's own
    identity service, whose evidence the page sends with the authorisation."""
    return {"method": service_of(request).identity.method}


@router.post("/requests", status_code=201, response_model=RequestOut, tags=["请求方"],
             summary="请求查看市民的数据报告", responses=documented(401, 403, 409, 422))
async def create_request(body: RequestIn, request: Request,
                         who: Party = Depends(requester)) -> Response:
    """Ask a citizen to authorise a report of the listed kinds, for a purpose.

    The citizen sees the request when signed in and authorises or refuses it. Honours
    ``Idempotency-Key``. A subject unknown to the registry is not revealed: the request
    simply waits.
    """
    service = service_of(request)

    def create(conn: Connection) -> Response:
        made = service.request(who, body.subject, body.purpose, body.kinds, body.valid_days,
                               conn=conn)
        return _json(views.request_view(made, service.catalogue), 201,
                     Location=f"requests/{made.id}")

    response = await idempotent(request, create)
    await anyio.to_thread.run_sync(service.after_commit)
    return response


@router.get("/requests", response_model=list[RequestOut], tags=["请求方", "本人"],
            summary="请求列表", responses=documented(401, 403))
def list_requests(request: Request) -> list[dict[str, Any]]:
    """A citizen's requests about them, or a requester's own, newest first."""
    service, staff = service_of(request), _staff(request)
    if staff.has(CITIZEN) and staff.subject and not staff.has(REQUESTER):
        found = service.requests_for(citizen(request).id)
    else:
        found = service.requests_by(requester(request))
    return [views.request_view(r, service.catalogue) for r in found]


@router.get("/requests/{request_id}", response_model=RequestOut, tags=["请求方", "本人"],
            summary="一项请求", responses=documented(401, 403, 404))
def show_request(request: Request, request_id: str = PathParam(pattern=_ID_PATTERN)) -> dict[str, Any]:
    """One request, for its requester or its subject."""
    service, staff = service_of(request), _staff(request)
    found = service.store.request(request_id)
    ids = {staff.subject, f"token:{staff.token_id}"}
    if found is None or not ((staff.has(CITIZEN) and found.subject_id in ids)
                             or (staff.has(REQUESTER) and found.requester_id in ids)):
        raise Problem(404, "没有这项请求，或您无权查看。")
    return views.request_view(found, service.catalogue)


@router.post("/requests/{request_id}/authorise", status_code=201, tags=["本人"],
             response_class=CredentialResponse, summary="本人授权并签发凭证",
             responses=documented(401, 403, 404, 409))
async def authorise(body: AuthoriseIn, request: Request, request_id: str = PathParam(pattern=_ID_PATTERN),
                    who: Party = Depends(citizen)) -> Response:
    """Authorise after the identity step; the voucher (a W3C Verifiable Credential) is issued.

    The report is built from the data provider, its digest goes into the voucher, and the
    voucher is logged with its inclusion proof and checkpoint. Honours ``Idempotency-Key``.
    """
    service = service_of(request)

    def create(conn: Connection) -> Response:
        voucher = service.authorise(request_id, who.id, body.identity.evidence, conn=conn,
                                    actor=who.actor)
        return CredentialResponse(voucher.credential, 201,
                                  headers={"Location": f"vouchers/{voucher.id}"})

    response = await idempotent(request, create)
    await anyio.to_thread.run_sync(service.after_commit)
    return response


@router.post("/requests/{request_id}/refuse", response_model=RequestOut, tags=["本人"],
             summary="本人拒绝", responses=documented(401, 403, 404, 409))
async def refuse(request: Request, request_id: str = PathParam(pattern=_ID_PATTERN),
                 who: Party = Depends(citizen)) -> Response:
    """Refuse a request; the requester sees the refusal and the log records it."""
    service = service_of(request)

    def create(conn: Connection) -> Response:
        made = service.refuse(request_id, who.id, conn=conn, actor=who.actor)
        return _json(views.request_view(made, service.catalogue))

    response = await idempotent(request, create)
    await anyio.to_thread.run_sync(service.after_commit)
    return response


@router.get("/vouchers/{voucher_id}", tags=["请求方", "本人"], summary="凭证",
            response_class=CredentialResponse, responses=documented(401, 403, 404))
def show_voucher(request: Request, voucher_id: str = PathParam(pattern=_ID_PATTERN)) -> Response:
    """The voucher itself (verify it offline on the portal's 数据凭证核验 page)."""
    service, staff = service_of(request), _staff(request)
    party = Party(staff.subject or f"token:{staff.token_id}", staff.name, staff.actor)
    if not (staff.has(CITIZEN) or staff.has(REQUESTER)):
        raise Problem(403, "此操作需要“citizen”或“requester”角色。", reason="missing_role")
    return CredentialResponse(service.voucher(voucher_id, party).credential)


@router.get("/vouchers/{voucher_id}/report", tags=["请求方"], summary="取回数据报告",
            responses=documented(401, 403, 404))
def report(request: Request, voucher_id: str = PathParam(pattern=_ID_PATTERN), who: Party = Depends(requester)) -> Response:
    """The report, to the authorised requester only, while the voucher is valid and not
    revoked. Each release is a leaf of the log and an event the citizen sees. The bytes
    are those whose digest the voucher carries (``relatedResource.digestSRI``)."""
    service = service_of(request)
    body = service.report(voucher_id, who)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


@router.post("/vouchers/{voucher_id}/revoke", tags=["本人"], summary="本人撤销授权",
             responses=documented(401, 403, 404, 409))
async def revoke(request: Request, voucher_id: str = PathParam(pattern=_ID_PATTERN),
                 who: Party = Depends(citizen)) -> Response:
    """Revoke at any time: the status list says so at once and the report is withheld."""
    service = service_of(request)
    lists: list[int] = []

    def create(conn: Connection) -> Response:
        voucher = service.revoke(voucher_id, who.id, conn=conn, actor=who.actor)
        lists.append(voucher.status_list)
        return _json(views.voucher_summary(voucher, service.now()))

    response = await idempotent(request, create)
    await anyio.to_thread.run_sync(service.after_commit, lists[0] if lists else None)
    return response


@router.get("/me", response_model=History, tags=["本人"], summary="我的数据凭证与查看记录",
            responses=documented(401, 403))
def me(request: Request, who: Party = Depends(citizen)) -> dict[str, Any]:
    """Every request about me, every voucher, and every access to my data: who and when."""
    service = service_of(request)
    history, now = service.history(who.id), service.now()
    return {"requests": [views.request_view(r, service.catalogue) for r in history["requests"]],
            "vouchers": [views.voucher_summary(v, now) for v in history["vouchers"]],
            "events": [views.event_view(e) for e in history["events"]]}


@router.get("/log/checkpoint", tags=["透明日志"], summary="最新检查点（C2SP 签名文本）",
            response_class=PlainTextResponse)
def checkpoint(request: Request) -> Response:
    """The log's newest checkpoint, signed (c2sp.org/tlog-checkpoint)."""
    service = service_of(request)
    service.anchor_audit()
    return PlainTextResponse(service.checkpoint(), headers={"Cache-Control": "no-cache"})


@router.get("/log/inclusion", response_model=InclusionOut, tags=["透明日志"],
            summary="收录证明", responses=documented(404, 422))
def inclusion(request: Request, size: int = Query(ge=1, le=2**48),
              index: int | None = Query(None, ge=0, le=2**48),
              hash: str | None = Query(None, min_length=44, max_length=44,
                                       description="叶子哈希（base64），代替 index")) -> dict[str, Any]:
    """The inclusion proof of leaf ``index`` (or the leaf with ``hash``) in the tree of ``size``."""
    service = service_of(request)
    if (index is None) == (hash is None):
        raise Problem(422, "请给出 index 或 hash 其中之一。")
    if hash is not None:
        try:
            digest = unb64(hash)
        except ValueError as exc:
            raise Problem(422, "hash 应为 32 字节哈希的 base64。") from exc
        if len(digest) != merkle.HASH_SIZE:
            raise Problem(422, "hash 应为 32 字节哈希的 base64。")
        index = service.find_leaf(digest)
        if index is None:
            raise Problem(404, "日志中没有这个叶子。")
    assert index is not None
    return {"index": index, "size": size, "proof": [b64(p) for p in service.inclusion(index, size)]}


@router.get("/log/consistency", response_model=ConsistencyOut, tags=["透明日志"],
            summary="一致性证明", responses=documented(422))
def consistency(request: Request, first: int = Query(ge=0, le=2**48),
                second: int = Query(ge=0, le=2**48)) -> dict[str, Any]:
    """The proof that the tree of ``second`` leaves extends the tree of ``first``."""
    proof = service_of(request).consistency(first, second)
    return {"first": first, "second": second, "proof": [b64(p) for p in proof]}


@router.get("/status/{list_id}", tags=["公开"], summary="位串状态列表（撤销状态）",
            response_class=CredentialResponse, responses=documented(404))
def status(request: Request, list_id: int = PathParam(ge=1, le=10_000)) -> Response:
    """The signed W3C Bitstring Status List credential, as of its last change."""
    return CredentialResponse(service_of(request).status_list(list_id),
                              headers={"Cache-Control": "no-cache"})


@router.get("/did.json", tags=["公开"], summary="签发者 DID 文档", response_class=DidResponse)
def did_document(request: Request) -> DidResponse:
    """The issuer's DID document (the site publishes it as ``/.well-known/did.json``)."""
    return DidResponse(service_of(request).did_document())

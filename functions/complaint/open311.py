"""Open311 GeoReport v2 at ``/open311/v2/``: discovery, services, requests and tokens.

Every answer is in the format the path names (``.json`` or ``.xml``), errors included, in
the standard's error format. ``jurisdiction_id`` may be left out (one jurisdiction is
served); given, it must be ours. Posting needs an ``api_key`` (a token with the role
``open311-client``), in the form, the query string or as ``Authorization: Bearer``.
Beyond the standard, a photo may be uploaded as the multipart file field ``media``
(the convention of Code for America's ``three`` client); it is stored by Tongda and served
as the report's ``media_url``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.responses import Response

from functions.runtime import auth
from functions.runtime.idempotency import idempotent
from functions.runtime.limits import JsonRoute
from functions.runtime.problems import Problem

from . import formats
from .context import base_url, service_of
from .errors import ComplaintError, Forbidden, Invalid, NotFound
from .roles import OPEN311_CLIENT
from .service import ComplaintService, NewReport
from .views import open311_request

router = APIRouter(prefix="/open311/v2", tags=["Open311 GeoReport v2"], route_class=JsonRoute)
#: Most requests ``GET requests`` returns, and the longest span it searches (the standard's).
MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
Format = Literal["json", "xml"]
"""The formats every Open311 path comes in (another suffix is a 400 in JSON)."""
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")
_TRUE = {"1", "true", "yes", "on"}


def _fmt(fmt: str) -> str:
    if fmt not in formats.FORMATS:
        raise NotFound(f"不支持的格式“{fmt[:10]}”：请用 .json 或 .xml。")
    return fmt


def _error(fmt: str, exc: ComplaintError) -> Response:
    headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
    return formats.error(fmt if fmt in formats.FORMATS else "json", exc.status, exc.message,
                         headers=headers)


def _answer(fmt: str, make: Callable[[], Response]) -> Response:
    """Run ``make`` and render the service's errors in the standard's format."""
    try:
        return make()
    except ComplaintError as exc:
        return _error(fmt, exc)


def _jurisdiction(svc: ComplaintService, value: str | None) -> None:
    if value and value != svc.catalog.jurisdiction.id:
        raise NotFound(f"没有 jurisdiction_id 为“{value[:60]}”的辖区；本接口服务"
                       f"{svc.catalog.jurisdiction.name}（{svc.catalog.jurisdiction.id}）。",
                       field="jurisdiction_id")


@router.get("/discovery.{fmt}", summary="服务发现")
def discovery(fmt: Format, request: Request) -> Response:
    """The service discovery document (endpoints, formats, contact)."""
    def make() -> Response:
        svc = service_of(request)
        doc = formats.discovery(svc.catalog, base_url(request) + "open311/v2/")
        return formats.render(_fmt(fmt), "discovery", doc)
    return _answer(fmt, make)


@router.get("/services.{fmt}", summary="问题类型列表")
def services(fmt: Format, request: Request, jurisdiction_id: str | None = None) -> Response:
    """Every kind of problem that can be reported."""
    def make() -> Response:
        svc = service_of(request)
        _jurisdiction(svc, jurisdiction_id)
        return formats.render(_fmt(fmt), "services",
                              formats.services(list(svc.catalog.services.values())))
    return _answer(fmt, make)


@router.get("/services/{code}.{fmt}", summary="问题类型的属性（service definition）")
def service_definition(code: str, fmt: Format, request: Request,
                             jurisdiction_id: str | None = None) -> Response:
    """The questions a report of this kind answers (``attribute[code]``)."""
    def make() -> Response:
        svc = service_of(request)
        _jurisdiction(svc, jurisdiction_id)
        return formats.render(_fmt(fmt), "service_definition",
                              formats.service_definition(svc.service(code)))
    return _answer(fmt, make)


@router.get("/requests/{request_id}.{fmt}", summary="查询一件问题")
def one_request(request_id: str, fmt: Format, request: Request,
                      jurisdiction_id: str | None = None) -> Response:
    """One report (public view), as a list of one, as the standard says."""
    def make() -> Response:
        svc = service_of(request)
        _jurisdiction(svc, jurisdiction_id)
        report = svc.get(request_id)
        return formats.render(_fmt(fmt), "service_requests",
                              [open311_request(svc, report, base_url(request))])
    return _answer(fmt, make)


@router.get("/tokens/{token}.{fmt}", summary="由 token 查问题编号")
def token(token: str, fmt: Format, request: Request,
                jurisdiction_id: str | None = None) -> Response:
    """The report id a token stands for."""
    def make() -> Response:
        svc = service_of(request)
        _jurisdiction(svc, jurisdiction_id)
        report = svc.by_token(token)
        return formats.render(_fmt(fmt), "service_requests",
                              [{"service_request_id": str(report.id), "token": report.token}])
    return _answer(fmt, make)


@router.get("/requests.{fmt}", summary="查询问题")
def list_requests(fmt: Format, request: Request) -> Response:
    """Reports by id, service, status and time (90 days and 1,000 reports at most)."""
    def make() -> Response:
        svc = service_of(request)
        query = request.query_params
        _jurisdiction(svc, query.get("jurisdiction_id"))
        _fmt(fmt)
        found = svc.store.search(**search_filters(svc, query), limit=MAX_RESULTS)
        base = base_url(request)
        return formats.render(fmt, "service_requests",
                              [open311_request(svc, r, base) for r in found])
    return _answer(fmt, make)


def _time(value: str, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Invalid(f"{name} 应为带时区的 W3C 日期时间，如 2026-03-01T00:00:00Z。", field=name)
    return moment.astimezone(dt.UTC)


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def search_filters(svc: ComplaintService, query: Any) -> dict[str, Any]:
    """The store's filters for ``GET requests``' query (ids override everything else)."""
    ids = _list(query.get("service_request_id"))
    if ids:
        if len(ids) > MAX_RESULTS or not all(i.isdigit() and len(i) <= 18 for i in ids):
            raise Invalid(f"service_request_id 应为以逗号分隔的问题编号（数字，最多 {MAX_RESULTS} 个）。",
                          field="service_request_id")
        return {"ids": [int(i) for i in ids]}
    statuses = _list(query.get("status"))
    if not set(statuses) <= {"open", "closed"}:
        raise Invalid("status 只能是 open 或 closed（可用逗号分隔）。", field="status")
    start = _time(query["start_date"], "start_date") if query.get("start_date") else None
    end = _time(query["end_date"], "end_date") if query.get("end_date") else None
    if start and end and end < start:
        raise Invalid("end_date 不能早于 start_date。", field="end_date")
    if start and end and end - start > MAX_SPAN:
        raise Invalid("start_date 与 end_date 之间不能超过 90 天。", field="end_date")
    if start is None:
        start = (end or svc.now()) - MAX_SPAN
    if end is None and start + MAX_SPAN < svc.now():
        end = start + MAX_SPAN
    return {"codes": _list(query.get("service_code")) or None, "statuses": statuses or None,
            "start": start, "end": end}


async def read_form(request: Request) -> tuple[dict[str, str], dict[str, list[str]], bytes | None]:
    """The fields, the ``attribute[...]`` answers and the photo of a posted form.

    The query string is read as well (some clients put ``api_key`` there); the body wins.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise Invalid("请以 application/x-www-form-urlencoded（带照片时 multipart/form-data）"
                      "提交表单。", field="content-type")
    await request.body()  # kept, so the idempotency hash and the form read the same bytes
    try:
        form = await request.form(max_files=1, max_fields=200)
    except (HTTPException, MultiPartException, ValueError, KeyError) as exc:
        raise Invalid("表单格式有误，无法读取。") from exc
    fields: dict[str, str] = dict(request.query_params.items())
    answers: dict[str, list[str]] = {}
    photo: bytes | None = None
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name == "media" and value.filename:
                photo = await value.read()
            continue
        match = _ATTRIBUTE.match(name)
        if match:
            answers.setdefault(match.group(1), []).append(value)
        else:
            fields[name] = value
    return fields, answers, photo


def _float(fields: dict[str, str], name: str) -> float | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Invalid(f"{name} 应为数字（WGS84 坐标），而不是“{text[:20]}”。", field=name) from None


def new_report(fields: dict[str, str], answers: dict[str, list[str]],
               photo: bytes | None) -> NewReport:
    """A :class:`NewReport` from form fields."""
    return NewReport(
        service_code=fields.get("service_code", "").strip(), lat=_float(fields, "lat"),
        long=_float(fields, "long"), address_string=fields.get("address_string"),
        address_id=fields.get("address_id"), zipcode=fields.get("zipcode"),
        description=fields.get("description"), attributes=answers,
        media_url=fields.get("media_url"), photo=photo, first_name=fields.get("first_name"),
        last_name=fields.get("last_name"), email=fields.get("email"), phone=fields.get("phone"),
        device_id=fields.get("device_id"), account_id=fields.get("account_id"),
        round_location=fields.get("round_location", "").strip().lower() in _TRUE)


def client_of(request: Request, fields: dict[str, str]) -> str:
    """The Open311 client posting: its token must hold ``open311-client``."""
    key = fields.get("api_key", "").strip()
    header = f"Bearer {key}" if key else request.headers.get("authorization")
    if not header:
        raise Forbidden("缺少 api_key：提交问题需要接口密钥，请向市大数据局申请"
                        "（tongda token create 名称 --role open311-client）。", field="api_key")
    try:
        staff = auth.authenticate(request.app.state.runtime.engine, header)
    except Problem as problem:
        raise Forbidden(f"api_key 无效：{problem.detail}", field="api_key") from None
    if not staff.has(OPEN311_CLIENT):
        raise Forbidden(f"这个 api_key 没有“{OPEN311_CLIENT}”角色，不能提交问题。", field="api_key")
    return f"open311:{staff.token_id}:{staff.name}"


@router.post("/requests.{fmt}", summary="提交问题")
async def post_request(fmt: Format, request: Request) -> Response:
    """Create a report (form-encoded; a photo as the multipart file ``media``)."""
    async def amake() -> Response:
        svc = service_of(request)
        _fmt(fmt)
        fields, answers, photo = await read_form(request)
        _jurisdiction(svc, fields.get("jurisdiction_id"))
        client = await anyio.to_thread.run_sync(client_of, request, fields)
        report = new_report(fields, answers, photo)

        def create(conn: Any) -> Response:
            done = svc.submit(report, client=client, conn=conn)
            entry: dict[str, Any] = {"service_notice": done.notice}
            if done.service.type == "batch":
                entry = {"token": done.report.token, **entry}
            else:
                entry = {"service_request_id": str(done.report.id), **entry}
            if report.account_id:
                entry["account_id"] = report.account_id
            return formats.render(fmt, "service_requests", [entry])

        return await idempotent(request, create)

    try:
        return await amake()
    except ComplaintError as exc:
        return _error(fmt, exc)

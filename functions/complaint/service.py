"""Reports from citizens and clients: checked, located, dispatched and read back (no HTTP).

A report is checked whole before anything is written (service, attributes, description,
location, photo, limits); then the report, its photo, its first history events and the
audit entry are stored in one transaction. So a refused report leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from functions.runtime.db import utc_now

from . import attributes as attribute_check
from .catalog import Catalog, Service
from .errors import Conflict, Invalid, NotFound, TooMany
from .geo import Cell, Grid, Outside, bounding_box, distance_m, rounded, valid_point
from .photos import EXTENSIONS, Photo, PhotoError, clean
from .store import ComplaintStore, Event, NewRow, Report

MAX_DESCRIPTION = 4000
STAGES = {"triage": "待分拨", "dispatched": "已派发", "accepted": "处置中",
          "closed": "已办结", "reopened": "重新办理"}
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
_URL = re.compile(r"^https?://[^\s<>\"]{3,2000}$")


@dataclass(frozen=True)
class Limits:
    """How much one source may send, and what counts as a near duplicate.

    Attributes:
        per_client: Reports one Open311 client (one ``api_key``) may send per hour.
        per_reporter: Reports one reporter (by phone, e-mail or device) may send per day.
        photo_bytes: Largest photo accepted.
        photo_pixels: Most pixels a photo may have.
        max_reopens: How often a reporter may reopen the same report.
        duplicate_metres: Distance within which an open report of the same service is a
            likely duplicate.
        duplicate_days: How recent such a report must be.
    """

    per_client: int = 3600
    per_reporter: int = 20
    photo_bytes: int = 8 * 1024 * 1024
    photo_pixels: int = 40_000_000
    max_reopens: int = 2
    duplicate_metres: float = 50.0
    duplicate_days: int = 7


@dataclass
class NewReport:
    """A report as a client or the portal's form sent it (strings already typed)."""

    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    description: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media_url: str | None = None
    photo: bytes | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    round_location: bool = False


@dataclass(frozen=True)
class Submitted:
    """A stored report and what the reporter is told once."""

    report: Report
    service: Service
    reporter_key: str
    """The secret of the reporter's own link (status, rating, reopening); stored hashed."""
    notice: str


def _clean_text(value: str | None, *, limit: int, label: str, field_name: str,
                multiline: bool = False) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        return None
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise Invalid(f"{label}中含有控制字符，请删除后重试。", field=field_name)
    if len(value) > limit:
        raise Invalid(f"{label}不能超过 {limit} 个字，现在有 {len(value)} 个字，请精简后重试。",
                      field=field_name)
    return value


def key_hash(key: str) -> str:
    """How a reporter's link key is stored."""
    return hashlib.sha256(("complaint-reporter:" + key).encode("utf-8")).hexdigest()


def fingerprint(*parts: str | None) -> str | None:
    """A one-way name for a reporter or supporter, from the first identifying part given."""
    for part in parts:
        if part and part.strip():
            text = re.sub(r"[\s-]", "", part.strip().lower())
            return hashlib.sha256(("complaint-source:" + text).encode("utf-8")).hexdigest()
    return None


class ComplaintService:
    """Submitting and reading reports; handling lives in :mod:`workflow`."""

    def __init__(self, catalog: Catalog, store: ComplaintStore, *, limits: Limits | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.catalog = catalog
        self.grid = Grid(catalog)
        self.store = store
        self.limits = limits or Limits()
        self.clock = clock or utc_now

    def now(self) -> dt.datetime:
        """The current time, aware UTC, to the microsecond."""
        return self.clock().astimezone(dt.UTC)

    def service(self, code: str) -> Service:
        """The service with ``code``, or :class:`NotFound`."""
        service = self.catalog.service(code)
        if service is None:
            raise NotFound(f"没有编号为“{code[:64]}”的问题类型；可选的类型见 services。",
                           field="service_code")
        return service

    # -- submitting -----------------------------------------------------------------------

    def submit(self, new: NewReport, *, client: str, source_hint: str | None = None,
               conn: Any = None) -> Submitted:
        """Check, locate, dispatch and store a report.

        Args:
            new: The report.
            client: Who sent it (``open311:<token name>`` or ``web``), for limits and audit.
            source_hint: Identifies an anonymous reporter for the per-reporter limit when
                no phone, e-mail or device is given (the portal passes the client address).
            conn: The caller's transaction (the idempotency record commits with the report).

        Raises:
            Invalid, NotFound, TooMany: Nothing is stored.
        """
        service = self.service(new.service_code)
        answers = attribute_check.check(service, new.attributes)
        description = _clean_text(new.description, limit=MAX_DESCRIPTION, label="问题描述",
                                  field_name="description", multiline=True)
        contact = self._contact(new)
        photo = self._photo(new.photo)
        lat, long, located_by_photo = self._point(new, photo)
        address = _clean_text(new.address_string, limit=500, label="地址",
                              field_name="address_string")
        if lat is None and address is None and not new.address_id:
            raise Invalid("请提供问题的位置：在地图上选点（lat 和 long），或填写地址（address_string）。",
                          field="lat")
        cell = self._cell(lat, long)
        team = cell.team_for(service.code, service.group) if cell else self.catalog.triage_team
        now, key = self.now(), secrets.token_urlsafe(24)
        values = {
            "token": secrets.token_hex(16), "reporter_key_hash": key_hash(key),
            "service_code": service.code, "description": description,
            "attributes": _json(answers), "lat": lat, "long": long,
            "round_location": bool(new.round_location), "address": address,
            "address_id": _clean_text(new.address_id, limit=200, label="地址编号",
                                      field_name="address_id"),
            "zipcode": _clean_text(new.zipcode, limit=20, label="邮政编码", field_name="zipcode"),
            "cell_id": cell.id if cell else None, "team": team, "status": "open",
            "stage": "dispatched" if cell else "triage", "status_notes": None,
            "requested_at": now, "updated_at": now, "expected_at": now + service.time_limit,
            "closed_at": None, "media_id": None, "media_url": self._media_url(new.media_url),
            "client": client[:200], "supporters": 0, "rating": None, "reopen_count": 0,
            "reporter_hash": fingerprint(contact.get("reporter_phone"),
                                         contact.get("reporter_email"),
                                         contact.get("device_id"), source_hint),
            **contact,
        }
        row = NewRow(values, _photo_row(photo, now),
                     self._first_events(now, client, cell, team, located_by_photo),
                     {"service_code": service.code, "cell": values["cell_id"], "team": team,
                      "photo": photo is not None})
        values["media_id"] = row.photo["id"] if row.photo else None
        report = self.store.create(row, actor=client, conn=conn,
                                   check=lambda c: self._check_limits(c, values, now))
        return Submitted(report, service, key, self.notice(report, service))

    def _contact(self, new: NewReport) -> dict[str, Any]:
        name = " ".join(p for p in (new.last_name, new.first_name) if p and p.strip()) or None
        phone = _clean_text(new.phone, limit=20, label="电话", field_name="phone")
        if phone and not _PHONE.match(phone):
            raise Invalid("电话号码应只含数字（可带 + 和 -），如 13800138000。", field="phone")
        email = _clean_text(new.email, limit=254, label="电子邮箱", field_name="email")
        if email and not _EMAIL.match(email):
            raise Invalid("电子邮箱格式不对，应如 name@example.com。", field="email")
        return {"reporter_name": _clean_text(name, limit=100, label="姓名", field_name="first_name"),
                "reporter_phone": phone, "reporter_email": email,
                "device_id": _clean_text(new.device_id, limit=200, label="设备编号",
                                         field_name="device_id"),
                "account_id": _clean_text(new.account_id, limit=200, label="账号",
                                          field_name="account_id")}

    def _photo(self, raw: bytes | None) -> Photo | None:
        if raw is None:
            return None
        try:
            return clean(raw, max_bytes=self.limits.photo_bytes,
                         max_pixels=self.limits.photo_pixels)
        except PhotoError as exc:
            raise Invalid(str(exc), field="media") from exc

    @staticmethod
    def _point(new: NewReport, photo: Photo | None) -> tuple[float | None, float | None, bool]:
        if (new.lat is None) != (new.long is None):
            raise Invalid("lat 和 long 要同时提供（纬度和经度）。", field="lat")
        if new.lat is not None and new.long is not None:
            if not valid_point(new.lat, new.long):
                raise Invalid("lat 应在 -90 到 90 之间，long 应在 -180 到 180 之间（WGS84 坐标）。",
                              field="lat")
            return new.lat, new.long, False
        if photo is not None and photo.gps is not None and not new.address_string:
            return photo.gps[0], photo.gps[1], True
        return None, None, False

    def _cell(self, lat: float | None, long: float | None) -> Cell | None:
        if lat is None or long is None:
            return None
        try:
            return self.grid.locate(lat, long)
        except Outside as exc:
            raise Invalid(f"这个位置不在{self.catalog.jurisdiction.name}的管辖范围内"
                          f"（lat={lat}，long={long}），无法受理；请确认位置，或向当地政府反映。",
                          field="lat") from exc

    @staticmethod
    def _media_url(value: str | None) -> str | None:
        # Stored and shown as given, never fetched: the server makes no request on a
        # client's say-so (no SSRF, no tracking of the reporter through the link).
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _URL.match(value):
            raise Invalid("media_url 应为 http:// 或 https:// 开头的网址。", field="media_url")
        return value

    def _first_events(self, now: dt.datetime, client: str, cell: Cell | None, team: str,
                      by_photo: bool) -> list[Event]:
        located = "（位置取自照片）" if by_photo else ""
        first = [Event(now, client, "submitted", "triage" if cell is None else "dispatched",
                       f"已收到您反映的问题{located}。", True)]
        team_name = self.catalog.team_name(team)
        if cell is None:
            first.append(Event(now, "system:dispatch", "triage", "triage",
                               f"未能按位置确定网格，已转{team_name}人工分拨。", True))
        else:
            first.append(Event(now, "system:dispatch", "dispatched", "dispatched",
                               f"按位置派发至{cell.district_name}{cell.name}，由{team_name}处置。",
                               True))
        return first

    def _check_limits(self, conn: Any, values: dict[str, Any], now: dt.datetime) -> None:
        hour = self.store.count_since(conn, since=now - dt.timedelta(hours=1),
                                      client=values["client"])
        if values["client"] != "web" and hour >= self.limits.per_client:
            raise TooMany(f"这个接口密钥一小时内已提交 {hour} 件，超过上限 "
                          f"{self.limits.per_client} 件，请稍后再提交。", retry_after=600)
        if values["reporter_hash"] is not None:
            day = self.store.count_since(conn, since=now - dt.timedelta(days=1),
                                         reporter_hash=values["reporter_hash"])
            if day >= self.limits.per_reporter:
                raise TooMany(f"同一位反映人一天内最多提交 {self.limits.per_reporter} 件；"
                              "紧急情况请拨打 12345。", retry_after=3600)

    # -- reading --------------------------------------------------------------------------

    def notice(self, report: Report, service: Service) -> str:
        """What the reporter and the public are told will happen (Open311 ``service_notice``)."""
        hours = int(service.time_limit.total_seconds() // 3600)
        team = self.catalog.team_name(report.team) or report.team
        if report.stage == "triage":
            return f"已转{team}人工分拨；承诺在 {hours} 小时内办结。"
        return f"由{team}处置，承诺在 {hours} 小时内办结。"

    def get(self, report_id: str | int) -> Report:
        """A report by its id, or :class:`NotFound`."""
        number = _report_number(report_id)
        report = self.store.get(number) if number is not None else None
        if report is None:
            raise NotFound(f"没有编号为“{str(report_id)[:40]}”的问题。", field="service_request_id")
        return report

    def by_token(self, token: str) -> Report:
        """The report an Open311 token stands for, or :class:`NotFound`."""
        report = self.store.by_token(token) if re.fullmatch(r"[0-9a-f]{32}", token) else None
        if report is None:
            raise NotFound("没有这个 token。", field="token")
        return report

    def overdue(self, report: Report) -> bool:
        """Whether an open report is past its time limit."""
        return report.status == "open" and self.now() > report.expected_at

    def public_location(self, report: Report) -> tuple[float | None, float | None]:
        """The coordinates the public sees: rounded when the reporter asked."""
        if report.lat is None or report.long is None:
            return None, None
        if report.round_location:
            return rounded(report.lat), rounded(report.long)
        return report.lat, report.long

    def media_path(self, report: Report) -> str | None:
        """Path of the report's stored photo under the function (``media/<id>.<ext>``)."""
        if report.media_id is None:
            return None
        return f"media/{report.media_id}"

    def photo(self, media_id: str) -> tuple[bytes, str]:
        """A stored photo, or :class:`NotFound`."""
        name, _, ext = media_id.partition(".")
        found = self.store.photo(name) if re.fullmatch(r"[0-9a-f]{32}", name) else None
        if found is None or (ext and EXTENSIONS.get(found[1]) != ext):
            raise NotFound("没有这张照片。", field="media")
        return found

    def nearby(self, code: str, lat: float, long: float) -> list[tuple[Report, float]]:
        """Open reports of the same service within the duplicate radius and window."""
        self.service(code)
        if not valid_point(lat, long):
            raise Invalid("lat 和 long 应为有效的 WGS84 坐标。", field="lat")
        since = self.now() - dt.timedelta(days=self.limits.duplicate_days)
        box = bounding_box(lat, long, self.limits.duplicate_metres)
        found = []
        for report in self.store.near(code=code, box=box, since=since):
            if report.lat is None or report.long is None:
                continue
            metres = distance_m(lat, long, report.lat, report.long)
            if metres <= self.limits.duplicate_metres:
                found.append((report, metres))
        return sorted(found, key=lambda item: item[1])

    def me_too(self, report_id: str | int, who: str) -> tuple[Report, bool]:
        """Add one supporter to an open report ("我也遇到了"), once per supporter."""
        report = self.get(report_id)

        def still_open(current: Report) -> None:
            if current.status != "open":
                raise Conflict("这个问题已办结，不能再附议；如果问题仍在，请重新反映。")

        updated, counted = self.store.support(report.id, fingerprint(who) or "anonymous",
                                              self.now(), actor="public", expect=still_open)
        return updated or report, counted


def _photo_row(photo: Photo | None, now: dt.datetime) -> dict[str, Any] | None:
    """The ``complaint_media`` row of a cleaned photo (named by a random id)."""
    if photo is None:
        return None
    return {"id": secrets.token_hex(16), "content_type": photo.content_type, "data": photo.data,
            "width": photo.width, "height": photo.height, "sha256": photo.sha256,
            "created_at": now}


def _report_number(value: str | int) -> int | None:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # "¹".isdigit() is True
        return None
    return int(text)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

"""What the API shows of requests, vouchers and events (plain dicts in the schemas' shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .catalogue import Catalogue
from .integrity import timestamp
from .store import Request, Voucher

REQUEST_STATUS = {"pending": "待本人决定", "authorised": "本人已授权", "refused": "本人已拒绝"}
VOUCHER_STATE = {"valid": "有效", "expired": "已过期", "revoked": "已撤销"}
ACTIONS = {"voucher.request": "请求查看数据", "voucher.authorise": "本人授权",
           "voucher.refuse": "本人拒绝", "voucher.issue": "签发凭证",
           "voucher.report": "取回数据报告", "voucher.revoke": "本人撤销授权"}


def _time(value: dt.datetime | None) -> str | None:
    return timestamp(value) if value is not None else None


def _kinds(catalogue: Catalogue, ids: list[str]) -> list[dict[str, str]]:
    return [catalogue.kinds[i].public() if i in catalogue.kinds
            else {"id": i, "name": i, "provider": ""} for i in ids]


def request_view(request: Request, catalogue: Catalogue) -> dict[str, Any]:
    """A request as the requester and the subject see it."""
    return {"id": request.id,
            "requester": {"id": request.requester_id, "name": request.requester_name},
            "subject": request.subject_id, "purpose": request.purpose,
            "kinds": _kinds(catalogue, request.kinds), "valid_days": request.valid_days,
            "status": request.status, "status_label": REQUEST_STATUS.get(request.status, ""),
            "created_at": timestamp(request.created_at), "decided_at": _time(request.decided_at),
            "voucher": request.voucher_id}


def voucher_state(voucher: Voucher, now: dt.datetime) -> str:
    """``valid``, ``expired`` or ``revoked``."""
    if voucher.revoked_at is not None:
        return "revoked"
    return "valid" if voucher.valid_from <= now <= voucher.valid_until else "expired"


def voucher_summary(voucher: Voucher, now: dt.datetime) -> dict[str, Any]:
    """A voucher in the citizen's list (from the credential the voucher is)."""
    subject = voucher.credential.get("credentialSubject", {})
    requester = subject.get("authorisedRequester", {})
    state = voucher_state(voucher, now)
    return {"id": voucher.id,
            "requester": {"id": voucher.requester_id, "name": requester.get("name", "")},
            "purpose": subject.get("purpose", ""), "kinds": subject.get("dataKinds", []),
            "valid_from": timestamp(voucher.valid_from),
            "valid_until": timestamp(voucher.valid_until),
            "revoked_at": _time(voucher.revoked_at), "state": state,
            "state_label": VOUCHER_STATE[state]}


def event_view(event: dict[str, Any]) -> dict[str, Any]:
    """One event: what, who, when, and its leaf in the log."""
    return {"action": event["action"], "label": ACTIONS.get(event["action"], event["action"]),
            "actor": event["actor"], "at": timestamp(event["at"]),
            "request": event["request_id"], "voucher": event["voucher_id"],
            "leaf_index": int(event["leaf_index"])}

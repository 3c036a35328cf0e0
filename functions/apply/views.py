"""How applications, payment instructions and statistics look in answers (no HTTP here).

Times are ISO 8601 in UTC and dates ISO 8601 in data; beside each date people read, a
``*_text`` field gives it as 2021年4月1日. Amounts are integer 分. Who acted is shown to
applicants as a role (申请人, 系统, 审核人员); staff see the actor the audit log names.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from .catalog import PolicyEntry
from .workdays import chinese_date, local_date

STATUS_TEXT = {"approved": "已批准", "rejected": "未获批准", "pending": "待人工审核"}
ROLE_TEXT = {"applicant": "申请人", "system": "系统自动审批", "reviewer": "审核人员",
             "proactive": "免申即享自动核定"}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value is not None else None


def yuan(fen: int) -> str:
    """分 as people read it: ``12,345.67元`` (whole yuan without decimals)."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" + (f".{cents:02d}" if cents else "") + "元"


def policy_ref(policy_id: str, entry: PolicyEntry | None) -> dict[str, Any]:
    """The policy an application is for."""
    if entry is None:
        return {"id": policy_id, "title": policy_id, "url": None}
    return {"id": entry.id, "title": entry.title, "url": entry.url}


def overdue(row: Mapping[str, Any], today: dt.date) -> bool:
    """Whether a pending application is past its committed time limit."""
    due = row.get("due")
    return row.get("status") == "pending" and due is not None and today > due


def event_view(event: Mapping[str, Any], *, staff: bool) -> dict[str, Any]:
    """One entry of an application's history."""
    out = {"at": _iso(event["at"]), "status": event["status"],
           "status_text": STATUS_TEXT.get(event["status"], event["status"]),
           "by": ROLE_TEXT.get(event["role"], event["role"]), "reason": event["reason"]}
    if staff:
        out["actor"] = event["actor"]
    return out


def application_view(row: Mapping[str, Any], entry: PolicyEntry | None, today: dt.date, *,
                     staff: bool) -> dict[str, Any]:
    """An application as its owner (or, with ``staff``, a reviewer) sees it."""
    due = row.get("due")
    payment = row.get("payment")
    out: dict[str, Any] = {
        "id": row["id"], "policy": policy_ref(row["policy"], entry),
        "status": row["status"], "status_text": STATUS_TEXT[row["status"]],
        "channel": row["channel"], "period": row["period"],
        "submitted_at": _iso(row["submitted_at"]), "decided_at": _iso(row.get("decided_at")),
        "due": due.isoformat() if due else None,
        "due_text": chinese_date(due) if due else None,
        "overdue": overdue(row, today),
        "amount_fen": row.get("amount_fen"),
        "amount_text": yuan(row["amount_fen"]) if row.get("amount_fen") is not None else None,
        "conditions": row["conditions"], "facts": row["facts"], "materials": row["materials"],
        "reasons": row["reasons"],
        "decision_reason": row.get("decision_reason"),
        "payment": payment_brief(payment) if payment else None,
        "rules_revision": row.get("rules_revision"),
    }
    if "events" in row:
        out["history"] = [event_view(e, staff=staff) for e in row["events"]]
    if staff:
        out["subject"] = row["subject"]
        out["subject_name"] = row.get("subject_name")
        out["decided_by"] = row.get("decided_by")
    return out


def summary_view(row: Mapping[str, Any], entry: PolicyEntry | None, today: dt.date, *,
                 staff: bool) -> dict[str, Any]:
    """One line of a list of applications."""
    due = row.get("due")
    out = {"id": row["id"], "policy": policy_ref(row["policy"], entry),
           "status": row["status"], "status_text": STATUS_TEXT[row["status"]],
           "channel": row["channel"], "submitted_at": _iso(row["submitted_at"]),
           "decided_at": _iso(row.get("decided_at")),
           "due": due.isoformat() if due else None,
           "due_text": chinese_date(due) if due else None,
           "overdue": overdue(row, today), "amount_fen": row.get("amount_fen")}
    if staff:
        out.update(subject=row["subject"], subject_name=row.get("subject_name"),
                   reasons=row.get("reasons", []))
    return out


def payment_brief(payment: Mapping[str, Any]) -> dict[str, Any]:
    """A payment instruction as its application shows it."""
    return {"id": payment["id"], "amount_fen": payment["amount_fen"],
            "created_at": _iso(payment["created_at"]), "acknowledged": payment["acked_at"] is not None}


def payment_view(payment: Mapping[str, Any]) -> dict[str, Any]:
    """A payment instruction as the payment system reads it."""
    return {"id": payment["id"], "application_id": payment["application_id"],
            "policy": payment["policy"], "payee": payment["subject"],
            "payee_name": payment["payee_name"], "amount_fen": payment["amount_fen"],
            "purpose": payment["purpose"], "created_at": _iso(payment["created_at"]),
            "acked_at": _iso(payment["acked_at"]), "acked_by": payment["acked_by"]}


def _empty_stats() -> dict[str, Any]:
    return {"applications": 0, "approved": 0, "rejected": 0, "pending": 0, "proactive": 0,
            "amount_fen": 0, "paid": 0, "paid_fen": 0}


def _median(times: list[float] | None) -> float | None:
    return round(statistics.median(times), 3) if times else None


def stats_view(rows: Iterable[Mapping[str, Any]], entries: Mapping[str, PolicyEntry],
               now: dt.datetime) -> dict[str, Any]:
    """Public, anonymous counts per policy: applications, approvals, payments, amounts and
    how fast.

    The median time to a decision counts applications people made (not 免申即享, which
    nobody waits for), from submission to the decision, in seconds. ``paid`` counts the
    payment instructions the payment system acknowledged; the median time to payment runs
    from the decision to that acknowledgement, for every channel.
    """
    by_policy: dict[str, dict[str, Any]] = {}
    waits: dict[str, list[float]] = {}
    pay_waits: dict[str, list[float]] = {}
    for row in rows:
        item = by_policy.setdefault(row["policy"], _empty_stats())
        item["applications"] += 1
        item[row["status"]] += 1
        item["proactive"] += row["channel"] == "proactive"
        if row["status"] == "approved":
            item["amount_fen"] += int(row["amount_fen"] or 0)
        decided, paid = row.get("decided_at"), row.get("paid_at")
        if decided is not None and row["channel"] == "online":
            waits.setdefault(row["policy"], []).append(
                max(0.0, (decided - row["submitted_at"]).total_seconds()))
        if paid is not None:
            item["paid"] += 1
            item["paid_fen"] += int(row.get("paid_fen") or 0)
            if decided is not None:
                pay_waits.setdefault(row["policy"], []).append(
                    max(0.0, (paid - decided).total_seconds()))
    policies = []
    for policy_id in sorted(set(by_policy) | set(entries)):
        item = by_policy.get(policy_id, _empty_stats())
        policies.append({"policy": policy_ref(policy_id, entries.get(policy_id)), **item,
                         "amount_text": yuan(item["amount_fen"]),
                         "paid_text": yuan(item["paid_fen"]),
                         "median_seconds_to_decision": _median(waits.get(policy_id)),
                         "median_seconds_to_payment": _median(pay_waits.get(policy_id))})
    return {"generated_at": _iso(now), "as_of_text": chinese_date(local_date(now)),
            "policies": policies}

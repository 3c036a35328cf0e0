"""Applications: submit, decide, review, pay and track (the logic; no HTTP here).

A submission is prepared outside any transaction (the trusted-data lookup may be an HTTP
call, which must not hold the database) and committed through a connection the caller
gives, so the idempotency record, the application, its history, the payment instruction
and the audit entry commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine
from tongda_rules import Fact, ProfileError

from functions.runtime import audit, db
from functions.runtime.db import utc_now
from functions.runtime.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Refused,
    ServiceError,
    Unavailable,
)

from . import store
from .catalog import Catalog, CatalogError, CatalogFile, PolicyEntry
from .decision import Decision, decide
from .identity import Principal
from .roles import APPLICANT, STAFF
from .rules import NoRules, PublishedRules
from .trusted import SubjectRecord, TrustedData, TrustedDataUnavailable
from .views import application_view, payment_view, stats_view, summary_view, yuan
from .workdays import chinese_date, local_date

log = logging.getLogger("tongda.functions.apply")
FUNCTION = "apply"
SYSTEM_ACTOR = "system:apply-rules"
Clock = Callable[[], dt.datetime]
TrustedFactory = Callable[[Mapping[str, Mapping[str, Fact]]], TrustedData]
_KIND_TEXT = {"enterprise": "企业", "person": "个人"}


#: The service's refusals: the runtime's family, which every function's app answers as
#: problem+json (``NotFound`` 404, ``Forbidden`` 403, ``Conflict`` 409, ``Refused`` 422,
#: ``Unavailable`` 503).
ApplyError = ServiceError


@dataclass
class Prepared:
    """A decided application, ready to be written."""

    row: dict[str, Any]
    entry: PolicyEntry
    decision: Decision
    payment_id: str | None = None
    notes: list[str] = field(default_factory=list)


class ApplyService:
    """Applications over one database.

    Args:
        engine: The database.
        rules: The rule set in force.
        catalog: The site's catalog of policies taking applications.
        trusted: Makes the trusted-data adapter for the declared facts of a rule set.
        clock: The current time (tests pass their own).
    """

    def __init__(self, engine: Engine, rules: PublishedRules, catalog: CatalogFile,
                 trusted: TrustedFactory, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.rules = rules
        self.catalog_file = catalog
        self.make_trusted = trusted
        self.clock = clock
        self._trusted: tuple[int, TrustedData] | None = None
        self._lock = threading.Lock()

    # --- what the service reads ---------------------------------------------------------

    def catalog(self) -> Catalog:
        """The site's catalog (503 when it cannot be read)."""
        try:
            return self.catalog_file.get()
        except CatalogError as exc:
            raise Unavailable(f"申请目录无法读取：{exc}") from exc

    def entry(self, policy_id: str) -> PolicyEntry:
        """The catalog entry of a policy taking applications, or :class:`NotFound`."""
        entry = self.catalog().policies.get(policy_id)
        if entry is None:
            raise NotFound(f"政策 {policy_id} 不受理在线申请，或没有这项政策。")
        return entry

    def trusted(self) -> TrustedData:
        """The trusted-data adapter for the facts of the rule set in force."""
        revision, facts = self._facts()
        cached = self._trusted
        if cached is None or cached[0] != revision:
            with self._lock:
                cached = self._trusted
                if cached is None or cached[0] != revision:
                    cached = (revision, self.make_trusted(facts))
                    self._trusted = cached
        return cached[1]

    def _facts(self) -> tuple[int, dict[str, dict[str, Fact]]]:
        try:
            return self.rules.facts()
        except NoRules as exc:
            raise Unavailable("尚未发布政策规则，暂不受理申请。") from exc

    def today(self) -> dt.date:
        """Today in China."""
        return local_date(self.clock())

    def _lookup(self, subject: str, today: dt.date) -> tuple[SubjectRecord | None, list[str]]:
        try:
            return self.trusted().record(subject, today), []
        except TrustedDataUnavailable as exc:
            log.warning("共享数据无法核验主体：%s", exc)
            return None, ["共享数据暂时无法核验，转人工审核"]

    # --- submitting -------------------------------------------------------------------

    def prepare(self, principal: Principal, policy_id: str, typed: Mapping[str, Any],
                materials: list[str]) -> Prepared:
        """Check and decide an application without writing anything.

        Raises:
            ApplyError: The policy, the materials, the facts or the caller are refused.
        """
        subject = principal.subject
        if not principal.has(APPLICANT) or not subject:
            raise Forbidden("只有绑定了申请主体的申请人令牌才能申请（tongda token create 名称 "
                            "--role applicant --subject 统一社会信用代码或身份证号）。")
        submitted = self.clock()
        entry = self.entry(policy_id)
        _check_materials(entry, materials)
        try:
            revision, policy, matcher = self.rules.policy(policy_id)
        except NoRules as exc:
            raise NotFound(f"政策 {policy_id} 目前没有现行的适用条件，暂不受理在线申请。") from exc
        today = local_date(submitted)
        record, notes = self._lookup(subject, today)
        if record is not None and record.kind != entry.subject:
            raise Refused(f"这项政策面向{_KIND_TEXT[entry.subject]}，您登录的主体是"
                          f"{_KIND_TEXT.get(record.kind, record.kind)}。", reason="wrong_subject")
        try:
            decision = decide(matcher, policy, typed, record)
        except ProfileError as exc:
            errors = [{"field": f"facts.{name}", "message": message}
                      for name, message in exc.problems]
            raise Refused("填写的信息与声明不符：" + "；".join(
                f"{e['field']}：{e['message']}" for e in errors), errors=errors) from exc
        decided = self.clock()
        row = self.application_row(entry, subject, record, decision, revision, materials, submitted, decided)
        row["reasons"] = notes + row["reasons"]
        return Prepared(row, entry, decision, notes=notes)

    def application_row(self, entry: PolicyEntry, subject: str, record: SubjectRecord | None,
             decision: Decision, revision: int, materials: list[str], submitted: dt.datetime,
             decided: dt.datetime, channel: str = "online") -> dict[str, Any]:
        today = local_date(submitted)
        pending = decision.status == "pending"
        due = (self.catalog().calendar.add_working_days(today, entry.time_limit_days)
               if pending else None)
        return {
            "id": db.new_id("SQ", today), "policy": entry.id, "subject": subject,
            "subject_kind": entry.subject, "subject_name": record.name if record else None,
            "period": str(today.year), "status": decision.status, "channel": channel,
            "facts": [u.as_dict() for u in decision.facts], "conditions": decision.conditions,
            "materials": list(materials), "reasons": list(decision.reasons),
            "amount_fen": decision.amount_fen, "rules_revision": revision,
            "submitted_at": submitted, "due": due,
            "decided_at": None if pending else decided,
            "decided_by": None if pending else SYSTEM_ACTOR,
            "decision_reason": None if pending else decision_text(decision),
        }

    def commit(self, conn: Connection, prepared: Prepared, principal: Principal) -> dict[str, Any]:
        """Write a prepared application (and, when approved, its payment instruction).

        Raises:
            Conflict: The subject already applied for this policy in this period.
        """
        row = prepared.row
        role = "applicant" if row["status"] == "pending" else "system"
        reason = _event_reason(row)
        if not store.create_application(conn, row, actor=principal.actor, role=role,
                                        reason=reason):
            existing = store.find_application(conn, row["policy"], row["subject"], row["period"])
            raise Conflict(f"您在 {row['period']} 年已申请过这项政策（申请编号 {existing}），"
                           "同一期间只能申请一次。", application=existing, reason="duplicate")
        payment = self.issue_payment(conn, row, prepared.entry)
        audit.append(conn, actor=principal.actor, function=FUNCTION, action="application.create",
                     target=f"application/{row['id']}", detail=audit_detail(row, payment))
        return self._created_view(row, prepared.entry, payment, principal.actor, role, reason)

    def submit(self, principal: Principal, policy_id: str, typed: Mapping[str, Any],
               materials: list[str]) -> dict[str, Any]:
        """Prepare and commit in one go (no idempotency key)."""
        prepared = self.prepare(principal, policy_id, typed, materials)
        with self.engine.begin() as conn:
            return self.commit(conn, prepared, principal)

    def issue_payment(self, conn: Connection, row: dict[str, Any], entry: PolicyEntry) -> dict[str, Any] | None:
        if row["status"] != "approved" or not row.get("amount_fen"):
            return None
        at = row["decided_at"]
        payment_id = store.create_payment(conn, row, purpose=entry.title, at=at,
                                          today=local_date(at))
        return {"id": payment_id, "amount_fen": row["amount_fen"], "created_at": at,
                "acked_at": None}

    def _created_view(self, row: dict[str, Any], entry: PolicyEntry,
                      payment: dict[str, Any] | None, actor: str, role: str,
                      reason: str) -> dict[str, Any]:
        at = row["decided_at"] or row["submitted_at"]
        full = {**row, "payment": payment,
                "events": [{"at": at, "status": row["status"], "actor": actor, "role": role,
                            "reason": reason}]}
        return application_view(full, entry, local_date(self.clock()), staff=False)

    # --- reading ------------------------------------------------------------------------

    def get(self, principal: Principal, application_id: str) -> dict[str, Any]:
        """One application, to its owner or to staff; anyone else gets :class:`NotFound`."""
        with self.engine.connect() as conn:
            row = store.get_application(conn, application_id)
        staff = principal.has_any(STAFF)
        if row is None or not (staff or (principal.subject and row["subject"] == principal.subject)):
            raise NotFound(f"没有编号为 {application_id} 的申请，或者它不属于您。")
        return application_view(row, self.catalog().policies.get(row["policy"]), self.today(),
                                staff=staff)

    def mine(self, principal: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
        """The caller's own applications, newest first."""
        if not principal.subject:
            return []
        with self.engine.connect() as conn:
            rows = store.list_applications(conn, subject=principal.subject, limit=limit)
        entries, today = self.catalog().policies, self.today()
        return [summary_view(r, entries.get(r["policy"]), today, staff=False) for r in rows]

    def queue(self, *, overdue_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        """Pending applications, soonest due first, overdue ones flagged (staff)."""
        with self.engine.connect() as conn:
            rows = store.list_applications(conn, status="pending", limit=limit,
                                           order_by_due=True)
        entries, today = self.catalog().policies, self.today()
        items = [summary_view(r, entries.get(r["policy"]), today, staff=True) for r in rows]
        return [i for i in items if i["overdue"]] if overdue_only else items

    def profile(self, principal: Principal, policy_id: str | None = None) -> dict[str, Any]:
        """What shared data hold about the caller's subject (their own data, to them)."""
        if not principal.subject:
            raise Forbidden("令牌没有绑定申请主体。")
        reads: list[str] | None = None
        if policy_id is not None:
            from .decision import policy_reads

            try:
                _, policy, _ = self.rules.policy(self.entry(policy_id).id)
            except NoRules as exc:
                raise NotFound(f"政策 {policy_id} 目前没有现行的适用条件。") from exc
            reads = policy_reads(policy)
        record, notes = self._lookup(principal.subject, self.today())
        facts = dict(record.facts) if record else {}
        if reads is not None:
            facts = {k: v for k, v in facts.items() if k in reads}
        return {"subject": principal.subject, "kind": record.kind if record else None,
                "name": record.name if record else None,
                "source": record.source if record else None, "facts": facts, "notes": notes}

    def stats(self) -> dict[str, Any]:
        """Public, anonymous counts per policy (see :func:`.views.stats_view`)."""
        with self.engine.connect() as conn:
            rows = [{**r, "submitted_at": db.utc(r["submitted_at"]),
                     "decided_at": db.utc(r["decided_at"]), "paid_at": db.utc(r["paid_at"])}
                    for r in store.decision_times(conn)]
        return stats_view(rows, self.catalog().policies, self.clock())

    # --- reviewing and paying -----------------------------------------------------------

    def review(self, conn: Connection, principal: Principal, application_id: str, *,
               approve: bool, reason: str, amount_fen: int | None = None) -> dict[str, Any]:
        """A reviewer's decision on a pending application, with its payment instruction.

        Raises:
            NotFound: No such application.
            Conflict: It was decided already.
            Refused: Approval without an amount the rules could compute or the reviewer gave.
        """
        row = store.get_application(conn, application_id)
        if row is None:
            raise NotFound(f"没有编号为 {application_id} 的申请。")
        if row["status"] != "pending":
            raise Conflict(f"申请 {application_id} 已经{_status_word(row['status'])}，不能再作决定。",
                           reason="already_decided", current=row["status"])
        amount = (amount_fen if amount_fen is not None else row["amount_fen"]) if approve else None
        if approve and amount is None:
            raise Refused("规则无法计算这份申请的金额，批准时请填写 amount_fen（分）。",
                          reason="amount_required")
        entry = self.catalog().policies.get(row["policy"])
        if approve and entry is None:
            raise Unavailable("申请目录中已没有这项政策，无法生成支付指令。")
        at = self.clock()
        status = "approved" if approve else "rejected"
        if not store.set_decision(conn, application_id, status=status, amount_fen=amount,
                                  actor=principal.actor, reason=reason, at=at):
            raise Conflict(f"申请 {application_id} 刚刚已由其他审核人员作出决定。",
                           reason="already_decided")
        row.update(status=status, amount_fen=amount, decided_at=at, decided_by=principal.actor,
                   decision_reason=reason)
        payment = self.issue_payment(conn, row, entry) if entry else None
        audit.append(conn, actor=principal.actor, function=FUNCTION,
                     action=f"application.{'approve' if approve else 'reject'}",
                     target=f"application/{application_id}",
                     detail={"reason": reason, "amount_fen": amount,
                             "payment": payment["id"] if payment else None,
                             "due": row["due"].isoformat() if row.get("due") else None,
                             "overdue": bool(row.get("due") and local_date(at) > row["due"])})
        full = store.get_application(conn, application_id)
        assert full is not None
        return application_view(full, entry, local_date(at), staff=True)

    def payments(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Payment instructions not yet acknowledged, oldest first."""
        with self.engine.connect() as conn:
            return [payment_view(p) for p in store.open_payments(conn, limit=limit)]

    def ack(self, conn: Connection, principal: Principal, payment_id: str) -> dict[str, Any]:
        """Acknowledge a payment instruction; acknowledging again changes nothing."""
        payment = store.get_payment(conn, payment_id)
        if payment is None:
            raise NotFound(f"没有编号为 {payment_id} 的支付指令。")
        at = self.clock()
        if store.ack_payment(conn, payment_id, actor=principal.actor, at=at):
            audit.append(conn, actor=principal.actor, function=FUNCTION, action="payment.ack",
                         target=f"payment/{payment_id}",
                         detail={"application": payment["application_id"],
                                 "amount_fen": payment["amount_fen"]})
            payment = store.get_payment(conn, payment_id)
            assert payment is not None
        return payment_view(payment)


def _status_word(status: str) -> str:
    return {"approved": "批准", "rejected": "驳回"}.get(status, status)


def _check_materials(entry: PolicyEntry, materials: list[str]) -> None:
    """Refuse anything not on the policy's one standard list (清单外无材料)."""
    allowed = entry.material_names
    errors = []
    for i, name in enumerate(materials):
        if name not in allowed:
            listed = "、".join(allowed) if allowed else "（本事项无需提交材料）"
            errors.append({"field": f"materials.{i}", "material": name,
                           "message": f"“{name}”不在本事项的材料清单中，清单外的材料不需要也不接受。"
                                      f"清单：{listed}"})
        elif materials.index(name) != i:
            errors.append({"field": f"materials.{i}", "material": name,
                           "message": f"“{name}”重复提交"})
    if errors:
        raise Refused("材料不符合本事项的材料清单：" + "；".join(e["message"] for e in errors),
                      title="材料不在清单内", errors=errors, reason="materials_not_listed")


def decision_text(decision: Decision) -> str:
    if decision.status == "approved":
        amount = f"，金额{yuan(decision.amount_fen)}" if decision.amount_fen else ""
        return f"全部条件经共享数据核验满足，自动批准{amount}"
    return "；".join(decision.reasons)


def _event_reason(row: dict[str, Any]) -> str:
    if row["status"] == "pending":
        due = row["due"]
        return f"已提交，转人工审核，承诺于{chinese_date(due)}前办结：" + "；".join(row["reasons"])
    return str(row["decision_reason"])


def audit_detail(row: dict[str, Any], payment: dict[str, Any] | None) -> dict[str, Any]:
    return {"policy": row["policy"], "status": row["status"], "channel": row["channel"],
            "period": row["period"], "amount_fen": row["amount_fen"],
            "rules_revision": row["rules_revision"], "reasons": row["reasons"],
            "due": row["due"].isoformat() if row.get("due") else None,
            "payment": payment["id"] if payment else None}

"""免申即享: paying everyone who qualifies, found in the shared data, without an application.

A policy marked ``proactive: true`` is run over every subject of its kind in the trusted
data. A subject whose every condition (and amount) is met on verified facts alone gets an
approved application and one payment instruction, each in its own transaction; one that
already has an application for the period is left alone, so running the same policy again
(the next morning, or twice by mistake) creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from functions.runtime import audit

from . import store
from .decision import decide
from .identity import Principal
from .rules import NoRules
from .service import FUNCTION, ApplyService, NotFound, Refused, audit_detail, decision_text
from .workdays import local_date


@dataclass
class ProactiveRun:
    """What one run did.

    Attributes:
        policy: The policy's id.
        period: The period applications were made for.
        checked: Subjects of the policy's kind examined.
        created: Ids of the applications made now.
        existing: Qualifying subjects that already had an application this period.
        not_eligible: Subjects with a condition unmet.
        undetermined: Subjects the shared data cannot decide (they may still apply).
        amount_fen: Total of the payment instructions made now.
    """

    policy: str
    period: str
    checked: int = 0
    created: list[str] = field(default_factory=list)
    existing: int = 0
    not_eligible: int = 0
    undetermined: int = 0
    amount_fen: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The run as the staff endpoint and the command report it."""
        return {"policy": self.policy, "period": self.period, "checked": self.checked,
                "created": len(self.created), "applications": list(self.created),
                "existing": self.existing, "not_eligible": self.not_eligible,
                "undetermined": self.undetermined, "amount_fen": self.amount_fen}


def run_proactive(service: ApplyService, policy_id: str, principal: Principal) -> ProactiveRun:
    """Run 免申即享 for one policy (see the module docstring).

    Raises:
        NotFound: The policy takes no applications or has no rules in force.
        Refused: The policy is not marked ``proactive: true``.
    """
    entry = service.entry(policy_id)
    if not entry.proactive:
        raise Refused(f"政策 {policy_id} 没有标注 proactive: true（免申即享），不能自动兑现。",
                      reason="not_proactive")
    try:
        revision, policy, matcher = service.rules.policy(policy_id)
    except NoRules as exc:
        raise NotFound(f"政策 {policy_id} 目前没有现行的适用条件。") from exc
    now = service.clock()
    today = local_date(now)
    run = ProactiveRun(policy_id, str(today.year))
    for record in service.trusted().subjects(entry.subject, today):
        run.checked += 1
        decision = decide(matcher, policy, {}, record)
        if decision.status == "rejected":
            run.not_eligible += 1
            continue
        if decision.status == "pending":
            run.undetermined += 1
            continue
        row = service.application_row(entry, record.id, record, decision, revision, [], now, now,
                           channel="proactive")
        row["decision_reason"] = "免申即享：" + decision_text(decision)
        with service.engine.begin() as conn:
            if not store.create_application(conn, row, actor=principal.actor, role="proactive",
                                            reason=row["decision_reason"]):
                run.existing += 1
                continue
            payment = service.issue_payment(conn, row, entry)
            audit.append(conn, actor=principal.actor, function=FUNCTION,
                         action="application.proactive", target=f"application/{row['id']}",
                         detail=audit_detail(row, payment))
        run.created.append(row["id"])
        run.amount_fen += int(row["amount_fen"] or 0)
    return run

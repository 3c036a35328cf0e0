"""Deciding an application from its facts: approve, reject or send to a person (no storage).

The facts a policy's rules read are gathered with their provenance: a fact the trusted
data hold is taken from them (whatever the applicant typed), any other fact from the
applicant. The policy's rules then run in the same engine as the match function and the
calculator (:class:`tongda_rules.Matcher`), and:

- any condition unmet → ``rejected``, with each unmet condition as a reason;
- every condition met, and every fact the conditions and the amount read verified →
  ``approved`` (秒批), with the amount in 分;
- otherwise → ``pending``: a reviewer decides, and the reasons say what is unknown or
  rests on the applicant's word alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tongda_rules import Fact, Matcher, fact_reads

from .trusted import SubjectRecord

Status = Literal["approved", "rejected", "pending"]
REGISTRY, APPLICANT = "registry", "applicant"


@dataclass(frozen=True)
class FactUse:
    """One fact a decision read, and where its value came from.

    Attributes:
        name: The fact's name.
        label: What people call it (上年营业收入).
        value: The value used (``None`` when nobody gave one).
        source: ``registry`` (trusted data), ``applicant`` or ``none``.
        source_label: The source as people read it.
        declared: What the applicant typed, when the trusted data said otherwise.
    """

    name: str
    label: str
    value: Any
    source: str
    source_label: str
    declared: Any = None

    @property
    def verified(self) -> bool:
        """Whether the value comes from trusted data."""
        return self.source == REGISTRY

    def as_dict(self) -> dict[str, Any]:
        """The fact as stored and returned."""
        out = {"name": self.name, "label": self.label, "value": self.value,
               "source": self.source, "source_label": self.source_label}
        if self.declared is not None:
            out["declared"] = self.declared
        return out


@dataclass(frozen=True)
class Decision:
    """The outcome of evaluating one application."""

    status: Status
    conditions: list[dict[str, Any]]
    facts: list[FactUse]
    amount_fen: int | None
    reasons: list[str] = field(default_factory=list)


def policy_reads(policy: Mapping[str, Any]) -> list[str]:
    """The facts a policy's conditions and amount read, in order of first use."""
    names: list[str] = []
    logics = [c["logic"] for c in policy.get("eligibility") or []]
    if policy.get("amount"):
        logics.append(policy["amount"]["logic"])
    for logic in logics:
        for name in fact_reads(logic):
            if name not in names:
                names.append(name)
    return names


def gather(reads: list[str], declared: Mapping[str, Fact], typed: Mapping[str, Any],
           record: SubjectRecord | None) -> list[FactUse]:
    """The value and source of each fact in ``reads``.

    A fact the trusted data hold wins over the applicant's; facts the policy does not
    read are not kept at all (nothing more personal data than the decision needs).
    """
    held = record.facts if record is not None else {}
    uses = []
    for name in reads:
        fact = declared[name]
        mine = typed.get(name)
        if name in held:
            other = mine if mine is not None and mine != held[name] else None
            uses.append(FactUse(name, fact.label, held[name], REGISTRY,
                                record.source if record else "共享数据", other))
        elif mine is not None:
            uses.append(FactUse(name, fact.label, mine, APPLICANT, "申请人填报"))
        else:
            uses.append(FactUse(name, fact.label, None, "none", "未提供"))
    return uses


def decide(matcher: Matcher, policy: Mapping[str, Any], typed: Mapping[str, Any],
           record: SubjectRecord | None) -> Decision:
    """Evaluate ``policy`` for a subject (see the module docstring).

    Args:
        matcher: A matcher holding ``policy`` (and its subject's declared facts).
        policy: The policy as the rule set holds it.
        typed: What the applicant typed (already validated against the declared facts).
        record: What trusted data hold about the subject (``None``: nothing).

    Raises:
        ProfileError: ``typed`` does not fit the declared facts.
    """
    kind = policy["subject"]
    declared = matcher.facts[kind]
    matcher.validate(kind, dict(typed))
    uses = gather(policy_reads(policy), declared, typed, record)
    by_name = {u.name: u for u in uses}
    profile = {u.name: u.value for u in uses if u.value is not None}
    (result,) = matcher.match(kind, profile, only=[policy["id"]])
    conditions = []
    for cond, outcome in zip(policy.get("eligibility") or [], result["conditions"], strict=True):
        reads = fact_reads(cond["logic"])
        conditions.append({
            "id": outcome["id"], "label": outcome["label"], "clause": outcome["clause"],
            "result": outcome["result"], "missing": outcome["missing"],
            "facts": [{"name": n, "source": by_name[n].source} for n in reads],
            "verified": all(by_name[n].verified for n in reads),
        })
    amount = result["amount"]
    amount_reads = fact_reads(policy["amount"]["logic"]) if policy.get("amount") else []
    status, reasons = _classify(conditions, amount, [by_name[n] for n in amount_reads],
                                policy.get("amount") is not None)
    return Decision(status, conditions, uses, amount, reasons)


def _classify(conditions: list[dict[str, Any]], amount: int | None,
              amount_facts: list[FactUse], has_amount: bool) -> tuple[Status, list[str]]:
    unmet = [c for c in conditions if c["result"] == "unmet"]
    if unmet:
        return "rejected", [f"不符合：{c['label']}（{c['clause']}）" for c in unmet]
    reasons = [f"无法判断：{c['label']}（缺少{'、'.join(c['missing'])}）"
               for c in conditions if c["result"] == "unknown"]
    reasons += [f"需人工核实：{c['label']}（依据申请人填报的信息）"
                for c in conditions if c["result"] == "met" and not c["verified"]]
    if has_amount and amount is None:
        reasons.append("无法计算补助金额：缺少计算所需的信息")
    elif any(not f.verified for f in amount_facts):
        names = "、".join(f.label for f in amount_facts if not f.verified)
        reasons.append(f"需人工核实补助金额：{names}为申请人填报")
    if reasons:
        return "pending", reasons
    return "approved", []

"""Request and response bodies of the applications function (pydantic, strict: no coercion)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FactValue = Annotated[int, Field(ge=-(2**53), le=2**53)] | float | bool | \
    Annotated[str, StringConstraints(max_length=100)] | \
    Annotated[list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=20)] | None
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=200)]
#: The largest body an ``ApplicationIn`` can be, every character escaped as ``\\uXXXX``
#: (six bytes): 32 facts of 20 strings of 100 characters, 30 materials of 200.
APPLICATION_MAX_BYTES = 512 * 1024
Fen = Annotated[int, Field(ge=0, le=2**53)]
Status = Literal["approved", "rejected", "pending"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ApplicationIn(_Strict):
    """An application: the policy, what the applicant declares, the materials submitted.

    The applicant is the token's subject, never a field of the body. Facts the shared
    data hold are taken from them whatever is typed here.
    """

    policy: Id
    facts: Annotated[dict[Annotated[str, StringConstraints(max_length=64)], FactValue],
                     Field(max_length=32)] = Field(default_factory=dict)
    materials: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=200)]],
                         Field(max_length=30)] = Field(default_factory=list)
    """Names from the policy's one standard list of materials (清单外无材料)."""


class DecisionIn(_Strict):
    """A reviewer's decision on a pending application."""

    decision: Literal["approve", "reject"]
    reason: Annotated[str, StringConstraints(min_length=2, max_length=1000)]
    """Why: shown to the applicant and kept in the audit log."""
    amount_fen: Fen | None = None
    """The amount in 分 when the rules could not compute it (or the reviewer corrects it)."""


class PolicyRef(BaseModel):
    id: str
    title: str
    url: str | None


class FactUse(BaseModel):
    name: str
    label: str
    value: Any
    source: Literal["registry", "applicant", "none"]
    """Where the value came from: the shared data, the applicant, or nobody."""
    source_label: str
    declared: Any = None
    """What the applicant typed, when the shared data said otherwise."""


class FactSource(BaseModel):
    name: str
    source: Literal["registry", "applicant", "none"]


class Condition(BaseModel):
    id: str
    label: str
    clause: str | None
    result: Literal["met", "unmet", "unknown"]
    missing: list[str]
    facts: list[FactSource]
    verified: bool
    """Every fact the condition reads came from the shared data."""


class PaymentBrief(BaseModel):
    id: str
    amount_fen: int
    created_at: str
    acknowledged: bool


class HistoryEntry(BaseModel):
    at: str
    status: str
    status_text: str
    by: str
    reason: str
    actor: str | None = None
    """Who exactly (staff only)."""


class ApplicationOut(BaseModel):
    id: str
    policy: PolicyRef
    status: Status
    status_text: str
    channel: Literal["online", "proactive"]
    period: str
    submitted_at: str
    decided_at: str | None
    due: str | None
    """Committed date of decision (ISO 8601) while pending."""
    due_text: str | None
    overdue: bool
    amount_fen: int | None
    amount_text: str | None
    conditions: list[Condition]
    facts: list[FactUse]
    materials: list[str]
    reasons: list[str]
    decision_reason: str | None
    payment: PaymentBrief | None
    rules_revision: int | None
    history: list[HistoryEntry] = Field(default_factory=list)
    subject: str | None = None
    subject_name: str | None = None
    decided_by: str | None = None


class ApplicationSummary(BaseModel):
    id: str
    policy: PolicyRef
    status: Status
    status_text: str
    channel: Literal["online", "proactive"]
    submitted_at: str
    decided_at: str | None
    due: str | None
    due_text: str | None
    overdue: bool
    amount_fen: int | None
    subject: str | None = None
    subject_name: str | None = None
    reasons: list[str] | None = None


class Payment(BaseModel):
    id: str
    application_id: str
    policy: str
    payee: str
    """The subject paid: 统一社会信用代码 or 公民身份号码."""
    payee_name: str | None
    amount_fen: int
    purpose: str
    created_at: str
    acked_at: str | None
    acked_by: str | None


class Profile(BaseModel):
    subject: str
    kind: Literal["enterprise", "person"] | None
    name: str | None
    source: str | None
    facts: dict[str, Any]
    notes: list[str]


class ProactiveOut(BaseModel):
    policy: str
    period: str
    checked: int
    created: int
    applications: list[str]
    existing: int
    not_eligible: int
    undetermined: int
    amount_fen: int


class PolicyStats(BaseModel):
    policy: PolicyRef
    applications: int
    approved: int
    rejected: int
    pending: int
    proactive: int
    amount_fen: int
    amount_text: str
    paid: int
    """Payment instructions the payment system acknowledged."""
    paid_fen: int
    paid_text: str
    median_seconds_to_decision: float | None
    """Online applications, submission to decision (免申即享 not counted)."""
    median_seconds_to_payment: float | None
    """Decision to the payment system's acknowledgement."""


class Stats(BaseModel):
    generated_at: str
    as_of_text: str
    policies: list[PolicyStats]

"""Typed front-matter schemas for each kind of content.

Strict pydantic models: an unknown field, a wrong type or an impossible date is an error.
Cross-document checks (dangling references, duplicate ids and 文号) live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from tongda_rules import Amount, Rule, RuleCase

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Url = Annotated[str, StringConstraints(pattern=r"^(https?://|/)[^\s]+$")]

Kind = Literal["policy", "interpretation", "service", "faq", "topic", "scenario"]
Level = Literal["national", "province", "city", "district"]
Status = Literal["draft", "consultation", "effective", "amended", "expired", "repealed"]
DocType = Literal[
    "法律", "行政法规", "部门规章", "地方性法规", "地方政府规章", "规范性文件", "司法解释",
    "宪法", "其他",
]

LEVEL_LABELS: dict[str, str] = {
    "national": "国家级", "province": "省级", "city": "市级", "district": "区县级",
}
STATUS_LABELS: dict[str, str] = {
    "draft": "草案", "consultation": "征求意见", "effective": "现行有效", "amended": "已修改",
    "expired": "已失效", "repealed": "已废止", "pending": "尚未生效", "superseded": "已被替代",
}
KIND_LABELS: dict[str, str] = {
    "policy": "政策文件", "interpretation": "政策解读", "service": "办事指南", "faq": "常见问题",
    "topic": "专题", "scenario": "政务一站通",
}
KIND_FOLDERS: dict[str, str] = {
    "policy": "policies", "interpretation": "interpretations", "service": "services",
    "faq": "faqs", "topic": "topics", "scenario": "scenarios",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Document(_Strict):
    """Fields every kind of document has."""

    id: Id
    kind: Kind
    title: Text
    summary: str | None = None
    topics: list[Id] = Field(default_factory=list)
    audiences: list[Text] = Field(default_factory=list)
    life_stages: list[Text] = Field(default_factory=list)
    tags: list[Text] = Field(default_factory=list)
    aliases: list[Text] = Field(default_factory=list)
    """Other names people use for it (办护照, 护照怎么办): the search and the Q&A take them as
    ways of asking for the page, like its tags."""
    related: list[Id] = Field(default_factory=list)
    updated: dt.date | None = None
    reviewed: dt.date | None = None
    template: str | None = None
    """A theme template to render with instead of the kind's own (rarely needed)."""


class ConsultationResponse(_Strict):
    """The drafting office's answer to one kind of comment on a 征求意见稿."""

    opinion: Text
    """What the comments of this kind said, in a sentence (意见概述)."""
    decision: Literal["采纳", "部分采纳", "未采纳"]
    reason: str | None = None
    """Why, required unless 采纳."""
    section: str | None = None
    """The heading of the part of the draft it is about (none: the draft as a whole)."""
    count: Annotated[int, Field(ge=1)] | None = None
    """How many comments said so."""

    @model_validator(mode="after")
    def _reason_unless_adopted(self) -> ConsultationResponse:
        if self.decision != "采纳" and not (self.reason or "").strip():
            raise _FieldProblem("reason", f"“{self.decision}”的意见须说明理由")
        return self


class Policy(Document):
    """A policy document (法律, 规章, 规范性文件…)."""

    kind: Literal["policy"]
    doc_number: str | None = None
    issuer: Text
    level: Level
    doc_type: DocType = "规范性文件"
    region: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    written: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date | None = None
    expires: dt.date | None = None
    status: Status | None = None
    based_on: list[Id] = Field(default_factory=list)
    supersedes: list[Id] = Field(default_factory=list)
    amends: list[Id] = Field(default_factory=list)
    services: list[Id] = Field(default_factory=list)
    subject: Literal["enterprise", "person"] | None = None
    eligibility: list[Rule] = Field(default_factory=list)
    amount: Amount | None = None
    cases: list[RuleCase] = Field(default_factory=list)
    proactive: bool = False
    """免申即享: qualifying subjects found in the trusted data are paid without applying
    (the ``tongda-apply`` plugin checks that every fact the rules read is verifiable)."""
    history: list[Text] = Field(default_factory=list)
    """Free-text history lines (公布、修订) kept from imported documents."""
    source: str | None = None
    """Where an imported document came from (path in the source collection)."""
    consultation_ends: dt.date | None = None
    """征求意见稿: the last day comments are taken (needs ``status: consultation``)."""
    consultation_responses: list[ConsultationResponse] = Field(default_factory=list)
    """The drafting office's responses, published with the summary after the deadline."""

    @model_validator(mode="after")
    def _consultation(self) -> Policy:
        if (self.consultation_ends or self.consultation_responses) and self.status != "consultation":
            raise _FieldProblem("consultation_ends", "只有 status: consultation（征求意见稿）才能征求意见")
        if self.consultation_ends and self.published and self.consultation_ends < self.published:
            raise _FieldProblem("consultation_ends", "征求意见截止日期不能早于发布日期")
        return self

    @model_validator(mode="after")
    def _dates_in_order(self) -> Policy:
        checks = [  # (field, earlier, later, may they be the same day, message)
            ("published", self.written, self.published, True, "发布日期不能早于成文日期"),
            ("effective", self.published, self.effective, True, "生效日期不能早于发布日期"),
            # A policy that expires the day it takes effect is never in force.
            ("expires", self.effective, self.expires, False, "失效日期必须晚于生效日期"),
        ]
        for name, earlier, later, same_day, message in checks:
            if earlier and later and (later < earlier or (later == earlier and not same_day)):
                raise _FieldProblem(name, f"{message}（{earlier.isoformat()} → {later.isoformat()}）")
        return self


class Interpretation(Document):
    """A policy interpretation (政策解读)."""

    kind: Literal["interpretation"]
    interprets: Annotated[list[Id], Field(min_length=1)]
    form: Literal["文字", "图解", "问答", "音视频"] = "文字"
    issuer: Text | None = None
    published: dt.date | None = None


class Material(_Strict):
    """One item of a service's list of materials (申请材料)."""

    name: Text
    source: str | None = None
    copies: Annotated[int, Field(ge=0)] = 1
    original: bool = True
    note: str | None = None


class TimeLimit(_Strict):
    """Time limits (法定/承诺办结时限); promised limits count working days."""

    legal_unit: Literal["工作日", "自然日"] = "工作日"
    """Whether the legal limit counts working days (工作日) or calendar days (自然日, as
    some laws do, e.g. 居民身份证法's 六十日)."""
    legal_days: Annotated[int, Field(ge=0)] | None = None
    promised_days: Annotated[int, Field(ge=0)] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _promise_within_law(self) -> TimeLimit:
        if self.legal_days is not None and self.promised_days is not None \
                and self.legal_unit == "工作日" and self.promised_days > self.legal_days:
            raise _FieldProblem("promised_days", "承诺时限不能长于法定时限")
        return self


class Place(_Strict):
    """A place where a service is handled in person."""

    name: Text
    address: Text
    hours: str | None = None
    phone: str | None = None


class Appointment(_Strict):
    """Whether a visit must be booked (是否需要预约), and how to book one."""

    required: bool
    how: str | None = None
    """How to book (通过“临江通”App或拨打派出所电话预约)."""


class Service(Document):
    """A service guide (办事指南)."""

    kind: Literal["service"]
    department: Text
    policies: list[Id] = Field(default_factory=list)
    conditions: list[Text] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    steps: list[Text] = Field(default_factory=list)
    time_limit: TimeLimit | None = None
    fee: str | None = None
    where: list[Place] = Field(default_factory=list)
    online: Url | None = None
    phone: str | None = None
    appointment: Appointment | None = None


class Faq(Document):
    """A frequently asked question; the title is the question, the body the answer."""

    kind: Literal["faq"]
    about: list[Id] = Field(default_factory=list)
    department: str | None = None
    published: dt.date | None = None


class Topic(Document):
    """A topic (专题) that documents join through their ``topics`` field."""

    kind: Literal["topic"]
    description: str | None = None


class ScenarioSections(_Strict):
    """The four parts of a 政务一站通 scenario page."""

    see: list[Id] = Field(default_factory=list)
    do: list[Id] = Field(default_factory=list)
    ask: list[Id] = Field(default_factory=list)
    check: list[Id] = Field(default_factory=list)


class Scenario(Document):
    """A one-stop scenario page: 我要看 / 我要办 / 我要问 / 我要查."""

    kind: Literal["scenario"]
    description: str | None = None
    sections: ScenarioSections = Field(default_factory=ScenarioSections)


MODELS: dict[str, type[Document]] = {
    "policy": Policy, "interpretation": Interpretation, "service": Service, "faq": Faq,
    "topic": Topic, "scenario": Scenario,
}

# Fields whose values are ids of other documents, per kind: (field path, allowed kinds).
REFERENCES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "*": [("topics", ("topic",)), ("related", ())],
    "policy": [("based_on", ("policy",)), ("supersedes", ("policy",)), ("amends", ("policy",)),
               ("services", ("service",))],
    "interpretation": [("interprets", ("policy",))],
    "service": [("policies", ("policy",))],
    "faq": [("about", ())],
    "scenario": [("sections.see", ()), ("sections.do", ()), ("sections.ask", ()),
                 ("sections.check", ())],
}


class _FieldProblem(ValueError):
    """Raised inside validators to point at one field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"@{field}@ {message}")


def references(meta: Document) -> list[tuple[str, int, str, tuple[str, ...]]]:
    """List (field, index, target id, allowed kinds) of every id the document refers to."""
    out: list[tuple[str, int, str, tuple[str, ...]]] = []
    for name, kinds in REFERENCES["*"] + REFERENCES.get(meta.kind, []):
        value: Any = meta
        for part in name.split("."):
            value = getattr(value, part)
        for index, target in enumerate(value):
            out.append((name, index, target, kinds))
    return out

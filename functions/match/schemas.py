"""Request and response bodies of the match function (pydantic, strict: no coercion)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FactValue = Annotated[int, Field(ge=-(2**53), le=2**53)] | float | bool | \
    Annotated[str, StringConstraints(max_length=200)] | \
    Annotated[list[Annotated[str, StringConstraints(max_length=200)]], Field(max_length=50)] | None
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MatchRequest(_Strict):
    """A profile to match: facts as declared in ``GET facts``; missing facts are unknown."""

    subject: Literal["enterprise", "person"]
    profile: Annotated[dict[Annotated[str, StringConstraints(max_length=64)], FactValue],
                       Field(max_length=100)]
    policies: Annotated[list[Id], Field(max_length=2000)] | None = None
    """Only these policies (all when omitted)."""
    limit: Annotated[int, Field(ge=1, le=1000)] | None = None
    """Return only the best ``limit`` results (all when omitted); ``count`` still counts
    every policy matched."""


class PolicyRef(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    doc_number: str | None = None
    issuer: str | None = None


class ServiceRef(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None


class ConditionResult(BaseModel):
    id: str
    label: str
    clause: str | None = None
    result: Literal["met", "unmet", "unknown"]
    missing: list[str]
    """Facts whose absence made the condition unknown."""


class PolicyResult(BaseModel):
    policy: PolicyRef
    eligible: bool | None
    """True: every condition met; false: one unmet; null: not enough facts to say."""
    degree: int = Field(ge=0, le=100)
    """Share of conditions met, in percent (rounded down)."""
    met: int = Field(ge=0)
    unmet: int = Field(ge=0)
    unknown: int = Field(ge=0)
    conditions: list[ConditionResult]
    amount: int | None = Field(ge=0)
    """Estimated amount in 分 (integer), when computable."""
    amount_label: str | None
    next_steps: list[ServiceRef]
    """Service guides to apply through."""


class MatchResponse(BaseModel):
    subject: Literal["enterprise", "person"]
    revision: int
    count: int
    """Policies matched (all of them, also when ``limit`` returns fewer)."""
    eligible: int
    """Policies whose every condition is met."""
    results: list[PolicyResult]
    """Best first: eligible, then not yet known, then not eligible; higher share of
    conditions met first; larger amount first."""


class FactOut(BaseModel):
    name: str
    label: str
    type: Literal["integer", "money", "number", "boolean", "string", "list"]
    unit: str | None = None
    verifiable: bool
    options: list[str] | None = None
    option_labels: dict[str, str] | None = None
    """What people see for coded options (``390102`` → 滨江区); ``POST match`` accepts either."""
    min: int | float | None = None
    max: int | float | None = None
    help: str | None = None


class FactsResponse(BaseModel):
    enterprise: list[FactOut]
    person: list[FactOut]


class RulesetInfo(BaseModel):
    revision: int
    digest: str
    created_at: str
    policy_count: int


class PolicyRules(_Strict):
    """One policy of a rule set, as the build writes it into ``api/match/rules.json``."""

    model_config = ConfigDict(extra="allow", strict=True)

    id: Id
    subject: Literal["enterprise", "person"]
    title: str
    eligibility: list[dict[str, Any]]
    amount: dict[str, Any] | None = None


class RulesetIn(_Strict):
    """A rule set to publish (the content of ``api/match/rules.json``)."""

    model_config = ConfigDict(extra="allow", strict=True)

    facts: dict[Literal["enterprise", "person"], list[dict[str, Any]]]
    policies: Annotated[list[PolicyRules], Field(max_length=20000)]

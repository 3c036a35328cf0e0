"""Request and response bodies of the engage function (pydantic, strict: no coercion)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Short = Annotated[str, StringConstraints(min_length=1, max_length=200)]
FactValue = Annotated[int, Field(ge=-(2**53), le=2**53)] | float | bool | \
    Annotated[str, StringConstraints(max_length=100)] | \
    Annotated[list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=20)] | None
TagKind = Literal["topic", "audience", "issuer", "level", "life_stage"]
Channel = Literal["email", "webhook", "sms", "wechat"]
Mode = Literal["immediate", "daily"]
COMMENT_MAX = 2000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Tag(_Strict):
    """One tag: a topic id, an audience, an issuer, a level or a life stage."""

    kind: TagKind
    value: Short


class ProfileIn(_Strict):
    """The facts the calculator asks, given with explicit consent to keep them."""

    subject: Literal["enterprise", "person"]
    facts: Annotated[dict[Annotated[str, StringConstraints(max_length=64)], FactValue],
                     Field(max_length=40)]
    consent: Literal[True]
    """The subscriber agreed to the consent text (``GET /consent``) for these facts."""


class SubscriptionIn(_Strict):
    """A new subscription: to tags, or to one's own profile, on one channel."""

    kind: Literal["tags", "profile"]
    tags: Annotated[list[Tag], Field(max_length=50)] = Field(default_factory=list)
    profile: ProfileIn | None = None
    channel: Channel
    address: Annotated[str, StringConstraints(min_length=3, max_length=500)]
    """An e-mail address, an ``https://`` URL (webhook), a mobile number or an OpenID."""
    mode: Mode = "immediate"

    @model_validator(mode="after")
    def _kind_and_content(self) -> SubscriptionIn:
        if self.kind == "tags" and (not self.tags or self.profile is not None):
            raise ValueError("订阅标签时请至少选择一个标签，且不要附带画像")
        if self.kind == "profile" and (self.profile is None or self.tags):
            raise ValueError("订阅画像时请提供画像（profile）并同意保存，且不要附带标签")
        return self


class SubscriptionPatch(_Strict):
    """Pause or resume a subscription, or change how often it is sent."""

    status: Literal["active", "paused"] | None = None
    mode: Mode | None = None


class SubscriptionOut(BaseModel):
    """A subscription as its owner sees it."""

    id: str
    kind: str
    tags: list[dict[str, str]]
    profile_subject: str | None
    profile: dict[str, Any] | None
    consent_at: str | None
    channel: str
    address: str | None
    mode: str
    status: str
    status_text: str
    paused_reason: str | None
    created_at: str
    unsubscribe_url: str
    secret: str | None = None
    """The webhook's signing secret (``whsec_…``), shown once, when it is made."""


class CommentIn(_Strict):
    """A comment on a draft (征求意见稿): JSON, or the fields of the plain HTML form."""

    section: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    text: Annotated[str, StringConstraints(min_length=2, max_length=COMMENT_MAX)]
    name: Annotated[str, StringConstraints(max_length=100)] | None = None
    contact: Annotated[str, StringConstraints(max_length=200)] | None = None


class DecisionIn(_Strict):
    """A moderator's decision on a comment."""

    decision: Literal["approve", "reject"]
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class BounceIn(_Strict):
    """An address the mail system could not deliver to (a permanent failure)."""

    address: Annotated[str, StringConstraints(min_length=3, max_length=500)]
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None

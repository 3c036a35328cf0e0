"""Request and response bodies of the voucher function (pydantic, strict)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RequestIn(_Strict):
    """A requester asks for a voucher about a subject."""

    subject: str = Field(pattern=r"^[0-9]{17}[0-9X]$", description="市民的公民身份号码")
    purpose: str = Field(min_length=2, max_length=200, description="用途，如“个人住房贷款审批”")
    kinds: list[str] = Field(min_length=1, max_length=60,
                             description="申请查看的数据种类 id（见 GET catalogue）")
    valid_days: int | None = Field(None, ge=1, le=365, description="凭证有效天数（默认 30，最多 90）")


class IdentityIn(_Strict):
    """The identity step's evidence (a face check in production, simulated locally)."""

    method: Literal["face"] = "face"
    evidence: str | None = Field(None, max_length=4096, description="人脸核验服务返回的凭据")


class AuthoriseIn(_Strict):
    """The citizen authorises a request."""

    identity: IdentityIn = Field(default_factory=lambda: IdentityIn(evidence=None))


class Party(BaseModel):
    """A requester as people see it."""

    id: str
    name: str


class Kind(BaseModel):
    """A data kind."""

    id: str
    name: str
    provider: str


class RequestOut(BaseModel):
    """A request and where it stands."""

    id: str
    requester: Party
    subject: str
    purpose: str
    kinds: list[Kind]
    valid_days: int
    status: Literal["pending", "authorised", "refused"]
    status_label: str
    created_at: str
    decided_at: str | None
    voucher: str | None


class VoucherSummary(BaseModel):
    """A voucher in the citizen's view."""

    id: str
    requester: Party
    purpose: str
    kinds: list[Kind]
    valid_from: str
    valid_until: str
    revoked_at: str | None
    state: Literal["valid", "expired", "revoked"]
    state_label: str


class Event(BaseModel):
    """One event about the citizen: who did what, when, and its log leaf."""

    action: str
    label: str
    actor: str
    at: str
    request: str
    voucher: str | None
    leaf_index: int


class History(BaseModel):
    """The citizen's view: requests, vouchers and every access, newest first."""

    requests: list[RequestOut]
    vouchers: list[VoucherSummary]
    events: list[Event]


class InclusionOut(BaseModel):
    """An inclusion proof (hashes in base64)."""

    index: int
    size: int
    proof: list[str]


class ConsistencyOut(BaseModel):
    """A consistency proof between two tree sizes (hashes in base64)."""

    first: int
    second: int
    proof: list[str]


class IdentityOut(BaseModel):
    """Which identity step an authorisation goes through, so a page can present it."""

    method: str = Field(description="simulated：本地模拟（演示）；其他值（如 face）由门户接入的核验服务完成")


class CatalogueOut(BaseModel):
    """The data kinds a requester may ask for."""

    issuer: str
    kinds: list[dict[str, Any]]

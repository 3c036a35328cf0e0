"""Bodies of the complaint function's own (non-Open311) routes: pydantic, strict.

The Open311 routes take form-encoded bodies and answer in the standard's JSON or XML, so
they have no models here; these are Tongda's documented extensions.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Note = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Key = Annotated[str, StringConstraints(min_length=8, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AcceptIn(_Strict):
    """Take a report on."""

    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class UpdateIn(_Strict):
    """A progress note."""

    note: Note
    public: bool = True
    """Shown to the reporter and the public (``false``: staff only)."""


class AssignIn(_Strict):
    """Send a report to a grid cell's team."""

    cell_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CloseIn(_Strict):
    """Close with what was done."""

    notes: Note


class RatingIn(_Strict):
    """The reporter's satisfaction with a closed report."""

    key: Key
    score: int = Field(ge=1, le=5)
    """1 very dissatisfied … 5 very satisfied; 2 or less allows reopening."""
    comment: Annotated[str, StringConstraints(max_length=500)] | None = None


class ReopenIn(_Strict):
    """Reopen a closed report rated as dissatisfied."""

    key: Key
    reason: Note


class MeTooIn(_Strict):
    """Support an open report instead of filing a duplicate."""

    phone: Annotated[str, StringConstraints(max_length=20)] | None = None
    """Optional: counts one supporter per phone (else per network address)."""


class Submitted(BaseModel):
    """What the portal's form gets back (shown once: ``reporter_key`` is not stored)."""

    service_request_id: str
    token: str
    reporter_key: str
    """The secret of the reporter's own link: status, rating and reopening."""
    service_notice: str
    stage: str
    stage_label: str


class HistoryEntry(BaseModel):
    """One step of a report's history."""

    at: str
    kind: str
    stage: str
    stage_label: str
    note: str | None
    by: str
    score: int | None


class ReportView(BaseModel):
    """A report as the portal shows it: the Open311 fields and Tongda's extensions."""

    model_config = ConfigDict(extra="allow")

    service_request_id: str
    status: str
    service_code: str
    service_name: str | None
    stage: str
    stage_label: str
    overdue: bool
    supporters: int
    rating: int | None
    requested_datetime: str
    expected_datetime: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    history: list[HistoryEntry] | None = None


class NearbyReport(BaseModel):
    """An open report that may be the same problem."""

    service_request_id: str
    distance_m: int
    service_name: str | None
    description: str | None
    requested_datetime: str
    stage_label: str
    supporters: int


class MeTooOut(BaseModel):
    """The report's supporters after a "me too"."""

    service_request_id: str
    supporters: int
    counted: bool
    """False when this supporter had already been counted."""


def dump(model: type[BaseModel], value: dict[str, Any]) -> dict[str, Any]:
    """Check a view against its model and return it as JSON-ready data."""
    return model.model_validate(value).model_dump(mode="json", exclude_unset=False)

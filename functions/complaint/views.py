"""What each reader sees of a report: the public (Open311 and the portal), the reporter
and staff. Public views never hold the reporter's name, phone, e-mail, device or account,
and hold the rounded location when the reporter asked for it."""

from __future__ import annotations

from typing import Any

from .formats import w3
from .service import STAGES, ComplaintService
from .store import Event, Report


def open311_request(svc: ComplaintService, report: Report, base_url: str) -> dict[str, Any]:
    """A report as an Open311 ``request`` (public).

    Args:
        svc: The service (catalog, rounding, photo paths).
        report: The report.
        base_url: Absolute URL of the function, ending in ``/``, for ``media_url``.
    """
    service = svc.catalog.service(report.service_code)
    lat, long = svc.public_location(report)
    media_path = svc.media_path(report)
    hidden = report.round_location  # an address would undo the rounding
    return {
        "service_request_id": str(report.id),
        "status": report.status,
        "status_notes": report.status_notes,
        "service_name": service.name if service else None,
        "service_code": report.service_code,
        "description": report.description,
        "agency_responsible": svc.catalog.team_name(report.team),
        "service_notice": svc.notice(report, service) if service else None,
        "requested_datetime": w3(report.requested_at),
        "updated_datetime": w3(report.updated_at),
        "expected_datetime": w3(report.expected_at),
        "address": None if hidden else report.address,
        "address_id": None if hidden else report.address_id,
        "zipcode": report.zipcode,
        "lat": lat,
        "long": long,
        "media_url": base_url + media_path if media_path else report.media_url,
    }


def event_view(event: Event) -> dict[str, Any]:
    """One history step (public fields only: the actor is a role, never a person)."""
    who = {"reporter": "反映人", "public": "市民"}.get(event.actor)
    if who is None:
        who = "系统" if event.actor.startswith("system:") else (
            "反映人" if event.actor in ("web",) or event.actor.startswith("open311:")
            else "处置人员")
    return {"at": w3(event.at), "kind": event.kind, "stage": event.stage,
            "stage_label": STAGES.get(event.stage, event.stage), "note": event.note,
            "by": who, "score": event.score}


def report_view(svc: ComplaintService, report: Report, base_url: str,
                history: list[Event] | None = None) -> dict[str, Any]:
    """The portal's view of a report: Open311 fields plus Tongda's extensions."""
    view = open311_request(svc, report, base_url)
    cell = svc.grid.by_id.get(report.cell_id or "")
    view.update({
        "stage": report.stage, "stage_label": STAGES.get(report.stage, report.stage),
        "overdue": svc.overdue(report), "supporters": report.supporters,
        "rating": report.rating, "reopen_count": report.reopen_count,
        "location_rounded": report.round_location,
        "cell": {"id": cell.id, "name": cell.name, "district_name": cell.district_name}
        if cell else None,
        "attributes": report.attributes,
    })
    if history is not None:
        view["history"] = [event_view(e) for e in history]
    return view


def staff_view(svc: ComplaintService, report: Report, base_url: str, history: list[Event],
               contact: dict[str, Any]) -> dict[str, Any]:
    """Everything about a report, for the team handling it (the exact location included)."""
    view = report_view(svc, report, base_url)
    view.update({"lat": report.lat, "long": report.long, "address": report.address,
                 "address_id": report.address_id, "team": report.team,
                 "client": report.client, "contact": contact,
                 "history": [{**event_view(e), "actor": e.actor, "public": e.public}
                             for e in history]})
    return view

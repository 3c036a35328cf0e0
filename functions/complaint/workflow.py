"""Handling a report after it is filed: staff accept, update, assign and close it; the
reporter sees it, rates it and, when dissatisfied, reopens it (no HTTP here).

A closed report cannot change except by its reporter reopening it; every change is one
transaction with its history event and audit entry (:meth:`ComplaintStore.change`).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import Conflict, Forbidden, Invalid, NotFound
from .service import ComplaintService, key_hash
from .store import Event, Report

MAX_NOTE = 2000
MAX_COMMENT = 500
#: A score at or under this is "dissatisfied" and lets the reporter reopen the report.
DISSATISFIED = 2


@dataclass(frozen=True)
class Actor:
    """A member of staff as the workflow sees them.

    Attributes:
        name: Audit name (``staff:<token id>:<name>``).
        team: The team their token is bound to (its subject); ``None`` acts city-wide.
    """

    name: str
    team: str | None = None


def _note(text: str | None, *, required: bool, label: str = "说明") -> str | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise Invalid(f"请填写{label}。", field="note")
        return None
    if len(value) > MAX_NOTE:
        raise Invalid(f"{label}不能超过 {MAX_NOTE} 个字。", field="note")
    return value


class Workflow:
    """Staff handling and the reporter's own actions on a report."""

    def __init__(self, service: ComplaintService) -> None:
        self.service = service
        self.store = service.store

    # -- staff ---------------------------------------------------------------------------

    def _mine(self, actor: Actor, report: Report) -> None:
        if actor.team is not None and actor.team not in (report.team,):
            raise Forbidden(f"这件问题由“{self.service.catalog.team_name(report.team)}”处置，"
                            "不在您的令牌所属队伍的范围内。")

    def _open(self, report: Report) -> None:
        if report.status != "open":
            raise Conflict("这件问题已办结，不能再修改；只有反映人不满意并重新办理后才能继续处置。")

    def _guarded(self, actor: Actor, *stages: str):  # type: ignore[no-untyped-def]
        def expect(current: Report) -> None:
            self._mine(actor, current)
            self._open(current)
            if stages and current.stage not in stages:
                raise Conflict(f"这件问题现在是“{_label(current.stage)}”，不能进行这项操作。")
        return expect

    def queue(self, actor: Actor, *, status: str = "open", overdue_only: bool = False,
              limit: int = 200) -> list[Report]:
        """The reports of the actor's team (all teams for city-wide staff)."""
        teams = None if actor.team is None else [actor.team]
        if overdue_only:
            return self.store.overdue(self.service.now(), teams)[:limit]
        return self.store.search(statuses=[status], teams=teams, limit=limit)

    def staff_view(self, actor: Actor, report_id: str) -> tuple[Report, list[Event], dict[str, str | None]]:
        """A report with its whole history and the reporter's contact (the read is audited)."""
        report = self.service.get(report_id)
        self._mine(actor, report)
        contact = self.store.contact(report.id, actor=actor.name) or {}
        return report, self.store.history(report.id, public_only=False), contact

    def accept(self, actor: Actor, report_id: str, note: str | None = None) -> Report:
        """The team takes the report on (已派发 or 重新办理 → 处置中)."""
        report = self.service.get(report_id)
        now = self.service.now()
        text = _note(note, required=False) or "已受理，正在处置。"
        return self._change(report, actor, "report.accept", {"stage": "accepted"},
                            Event(now, actor.name, "accepted", "accepted", text, True),
                            self._guarded(actor, "dispatched", "reopened"))

    def update(self, actor: Actor, report_id: str, note: str, *, public: bool = True) -> Report:
        """Add a progress note (public, or for staff only)."""
        report = self.service.get(report_id)
        text = _note(note, required=True)
        now = self.service.now()
        values = {"status_notes": text} if public else {}
        return self._change(report, actor, "report.update", values,
                            Event(now, actor.name, "updated", report.stage, text, public),
                            self._guarded(actor), detail={"public": public})

    def assign(self, actor: Actor, report_id: str, cell_id: str) -> Report:
        """Send a report to the team of a grid cell (the triage team's job)."""
        report = self.service.get(report_id)
        if actor.team is not None and actor.team != self.service.catalog.triage_team:
            raise Forbidden("只有分拨中心（或全市范围的令牌）可以改派问题。")
        cell = self.service.grid.by_id.get(cell_id)
        if cell is None:
            raise NotFound(f"没有编号为“{cell_id[:64]}”的网格。", field="cell_id")
        service = self.service.service(report.service_code)
        team = cell.team_for(service.code, service.group)
        now = self.service.now()
        note = f"已分拨至{cell.district_name}{cell.name}，由{self.service.catalog.team_name(team)}处置。"

        def expect(current: Report) -> None:
            self._open(current)

        return self._change(report, Actor(actor.name), "report.assign",
                            {"cell_id": cell.id, "team": team, "stage": "dispatched"},
                            Event(now, actor.name, "dispatched", "dispatched", note, True),
                            expect, detail={"cell": cell.id, "team": team})

    def close(self, actor: Actor, report_id: str, notes: str) -> Report:
        """Close the report with what was done (shown to the public as ``status_notes``)."""
        report = self.service.get(report_id)
        text = _note(notes, required=True, label="办理结果")
        now = self.service.now()
        return self._change(report, actor, "report.close",
                            {"status": "closed", "stage": "closed", "status_notes": text,
                             "closed_at": now},
                            Event(now, actor.name, "closed", "closed", text, True),
                            self._guarded(actor, "accepted", "dispatched", "reopened"))

    def _change(self, report: Report, actor: Actor, action: str, values: Mapping[str, object],
                event: Event, expect: object, detail: dict[str, object] | None = None,
                ) -> Report:
        values = {**values, "updated_at": event.at}
        changed = self.store.change(report.id, actor=actor.name, action=action, values=values,
                                    event=event, expect=expect, detail=detail)
        if changed is None:
            raise NotFound("没有这件问题。")
        return changed

    # -- the reporter --------------------------------------------------------------------

    def _reporter(self, report_id: str, key: str | None) -> Report:
        report = self.service.get(report_id)
        stored = self.store.reporter_key_hash(report.id)
        if not key or stored is None or not hmac.compare_digest(stored, key_hash(key)):
            raise Forbidden("查询码不正确：请使用提交时页面给出的专属链接。")
        return report

    def reporter_view(self, report_id: str, key: str | None) -> tuple[Report, list[Event]]:
        """The report and its public history, for the holder of the reporter's link."""
        report = self._reporter(report_id, key)
        return report, self.store.history(report.id, public_only=True)

    def rate(self, report_id: str, key: str | None, score: int, comment: str | None) -> Report:
        """The reporter's satisfaction with a closed report, 1 (very bad) to 5, once per closing."""
        report = self._reporter(report_id, key)
        if not 1 <= score <= 5:
            raise Invalid("满意度应为 1 到 5 分。", field="score")
        text = (comment or "").strip()[:MAX_COMMENT] or None
        now = self.service.now()

        def expect(current: Report) -> None:
            if current.status != "closed":
                raise Conflict("问题办结后才能评价。")
            if current.rating is not None:
                raise Conflict("这次办理已经评价过了。")

        return self._change(report, Actor("reporter"), "report.rate", {"rating": score},
                            Event(now, "reporter", "rated", "closed", text, True, score), expect,
                            detail={"score": score})

    def reopen(self, report_id: str, key: str | None, reason: str | None) -> Report:
        """Reopen a closed report the reporter rated as dissatisfied."""
        report = self._reporter(report_id, key)
        text = _note(reason, required=True, label="不满意的原因")
        now = self.service.now()
        service = self.service.service(report.service_code)
        limit = self.service.limits.max_reopens

        def expect(current: Report) -> None:
            if current.status != "closed":
                raise Conflict("问题尚未办结，无需重新办理。")
            if current.rating is None or current.rating > DISSATISFIED:
                raise Conflict(f"请先评价（{DISSATISFIED} 分及以下为不满意），不满意才能要求重新办理。")
            if current.reopen_count >= limit:
                raise Conflict(f"同一件问题最多可重新办理 {limit} 次；如仍不满意，请拨打 12345。")

        return self._change(report, Actor("reporter"), "report.reopen",
                            {"status": "open", "stage": "reopened", "rating": None,
                             "closed_at": None, "reopen_count": report.reopen_count + 1,
                             "expected_at": now + service.time_limit,
                             "status_notes": "反映人对办理结果不满意，已重新办理。"},
                            Event(now, "reporter", "reopened", "reopened", text, True), expect)


def _label(stage: str) -> str:
    from .service import STAGES

    return STAGES.get(stage, stage)

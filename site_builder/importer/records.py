"""The records an import passes between its steps, and the report it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .history import Dates, Event
from .reader import SourceText


@dataclass
class Record:
    """One source document on its way to becoming a policy."""

    src: SourceText
    events: list[Event]
    dates: Dates
    meta: dict[str, Any]
    numbers: list[str]
    id: str = ""
    path: Path | None = None


@dataclass
class ImportReport:
    """What an import did: counts, skipped files with reasons, warnings."""

    imported: int = 0
    written: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Files that are not documents: ``_index.md`` section files and non-Markdown files."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    duplicate_numbers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """文号 → {files: [...], kept_by: the one file that got it, or None}."""
    superseded: int = 0

    def warn(self, path: str, message: str) -> None:
        self.warnings.append((path, message))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for ``--report``)."""
        return {
            "imported": self.imported, "written": self.written, "unchanged": self.unchanged,
            "removed": self.removed, "superseded": self.superseded,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "ignored": self.ignored,
            "warnings": [{"path": p, "message": m} for p, m in self.warnings],
            "duplicate_numbers": self.duplicate_numbers,
        }

"""What the site says about applying: each policy's materials, time limit and 免申即享 flag.

The build (plugin ``tongda-apply``) writes ``api/apply/catalog.json``::

    {"version": 1, "generated": "2026-12-05",
     "policies": [{"id", "title", "url", "subject", "proactive", "time_limit_days",
                   "materials": [{"name", "source", "note", "service"}],
                   "services": [{"id", "title", "url"}], "apply_url"}],
     "calendar": {"years": {...}}}

The policy's rules themselves come from the rule set in force (the match function's
revisions), so matching, the calculator and applications judge by the same rules.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .workdays import WorkingCalendar

CATALOG_FILE = Path("api/apply/catalog.json")
CATALOG_VERSION = 1


class CatalogError(ValueError):
    """The catalog file is missing or wrong; the message is in Chinese."""


@dataclass(frozen=True)
class PolicyEntry:
    """One policy that takes applications.

    Attributes:
        id: The policy's id.
        title: Its title.
        url: Its page, relative to the site root.
        subject: ``enterprise`` or ``person``.
        proactive: Marked ``proactive: true`` (免申即享).
        time_limit_days: Committed time limit in working days (承诺时限).
        materials: The one standard list of materials (清单外无材料).
    """

    id: str
    title: str
    url: str
    subject: str
    proactive: bool
    time_limit_days: int
    materials: tuple[dict[str, Any], ...]

    @property
    def material_names(self) -> tuple[str, ...]:
        """The names on the materials list."""
        return tuple(m["name"] for m in self.materials)


@dataclass(frozen=True)
class Catalog:
    """The parsed catalog."""

    policies: dict[str, PolicyEntry]
    calendar: WorkingCalendar
    generated: str | None = None

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Catalog:
        """Parse a catalog document.

        Raises:
            CatalogError: The document is not a catalog this version reads.
        """
        if not isinstance(document, dict) or document.get("version") != CATALOG_VERSION:
            raise CatalogError(f"申请目录的版本应为 {CATALOG_VERSION}")
        policies: dict[str, PolicyEntry] = {}
        for i, item in enumerate(document.get("policies") or []):
            try:
                entry = PolicyEntry(
                    id=str(item["id"]), title=str(item["title"]), url=str(item.get("url") or ""),
                    subject=str(item["subject"]), proactive=bool(item.get("proactive")),
                    time_limit_days=int(item["time_limit_days"]),
                    materials=tuple(dict(m) for m in item.get("materials") or []))
            except (KeyError, TypeError, ValueError) as exc:
                raise CatalogError(f"申请目录 policies.{i} 有误：{exc}") from exc
            policies[entry.id] = entry
        return cls(policies, WorkingCalendar.from_mapping(document.get("calendar")),
                   document.get("generated"))


class CatalogFile:
    """``api/apply/catalog.json`` of a built site, read again whenever the build rewrites it.

    Args:
        path: The catalog file (``None``: no site, an empty catalog).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._catalog = Catalog({}, WorkingCalendar())

    def get(self) -> Catalog:
        """The current catalog (an empty one when the site has none)."""
        if self.path is None:
            return self._catalog
        try:
            stat = self.path.stat()
        except OSError:
            return self._catalog
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        document = json.loads(self.path.read_text(encoding="utf-8"))
                    except (OSError, ValueError) as exc:
                        raise CatalogError(f"无法读取申请目录 {self.path}：{exc}") from exc
                    self._catalog = Catalog.from_document(document)
                    self._stamp = stamp
        return self._catalog

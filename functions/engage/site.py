"""What the build publishes for this function, read from the built site.

The ``tongda-engage`` plugin writes, beside the pages:

- ``api/engage/policies.json``: every policy with the tags people subscribe to (topic,
  audience, issuer, level, life stage), its address and a digest of its substance
  (status, dates, conditions, amount, title, 文号), and the facets with their labels;
- ``api/engage/consultations.json``: every 征求意见稿 open to comments, its deadline and
  its sections (the headings comments may be about).

``api/match/rules.json`` (the ``tongda-match`` plugin) gives each policy's conditions and
the facts a profile may hold. Files are read again when they change (a new build).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLICIES_FILE = Path("api/engage/policies.json")
CONSULTATIONS_FILE = Path("api/engage/consultations.json")
RULES_FILE = Path("api/match/rules.json")
#: The kinds of tag a subscription may name (``life_stage``: 人生阶段 and 企业经营阶段).
TAG_KINDS = ("topic", "audience", "issuer", "level", "life_stage")
GENERAL_SECTION = "总体意见"


class SiteUnavailable(LookupError):
    """The site (or the file asked for) is not there: the function answers 503."""


@dataclass(frozen=True)
class Consultation:
    """A 征求意见稿 as the build published it."""

    id: str
    title: str
    url: str
    ends: dt.date
    sections: tuple[str, ...]

    def is_open(self, today: dt.date) -> bool:
        """Comments are taken up to and including the last day."""
        return today <= self.ends


class SiteFile:
    """One JSON file of the site, parsed again only when it changed.

    No site, or no such file in it, reads as ``empty`` (a site without drafts has no
    consultations), unless ``required``.
    """

    def __init__(self, path: Path | None, empty: dict[str, Any]) -> None:
        self.path = path
        self.empty = empty
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._value: Any = None

    def read(self, *, required: bool = False) -> Any:
        """The parsed file.

        Raises:
            SiteUnavailable: The file cannot be parsed, or it is ``required`` and missing.
        """
        try:
            if self.path is None:
                raise FileNotFoundError("未配置网站目录（TONGDA_SITE_DIR）")
            stat = self.path.stat()
        except OSError as exc:
            if required:
                where = self.path.name if self.path else "网站目录"
                raise SiteUnavailable(f"网站中没有 {where}") from exc
            return self.empty
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                try:
                    value = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise SiteUnavailable(f"网站的 {self.path.name} 无法读取") from exc
                if not isinstance(value, dict):
                    raise SiteUnavailable(f"网站的 {self.path.name} 格式不对")
                self._value, self._stamp = value, stamp
            return self._value


class SiteData:
    """The site's policies, consultations and rules for the engage function."""

    def __init__(self, site_dir: Path | None) -> None:
        self.site_dir = site_dir
        self._policies = SiteFile(site_dir / POLICIES_FILE if site_dir else None,
                                  {"policies": [], "facets": {}})
        self._consultations = SiteFile(site_dir / CONSULTATIONS_FILE if site_dir else None,
                                       {"consultations": []})
        self._rules = SiteFile(site_dir / RULES_FILE if site_dir else None,
                               {"facts": {}, "policies": []})

    def policies_document(self, *, required: bool = False) -> dict[str, Any]:
        """``policies.json`` as it is (:class:`SiteUnavailable` if ``required`` and missing)."""
        return self._policies.read(required=required)  # type: ignore[no-any-return]

    def policies(self) -> dict[str, dict[str, Any]]:
        """Every published policy by id."""
        return {p["id"]: p for p in self.policies_document().get("policies", [])}

    def facets(self) -> dict[str, dict[str, str]]:
        """Per tag kind, every value a subscription may name, with its label."""
        facets = self.policies_document().get("facets", {})
        return {kind: {v["value"]: v.get("label", v["value"]) for v in facets.get(kind, [])}
                for kind in TAG_KINDS}

    def site_url(self) -> str | None:
        """The portal's ``site_url`` as the build knew it."""
        try:
            url = self.policies_document().get("site_url")
        except SiteUnavailable:
            return None
        return url if isinstance(url, str) and url else None

    def rules(self) -> dict[str, Any]:
        """The rule set the build wrote (``facts`` and ``policies`` with conditions)."""
        return self._rules.read()  # type: ignore[no-any-return]

    def consultation(self, policy_id: str) -> Consultation | None:
        """The consultation on ``policy_id``, or ``None``."""
        for item in self._consultations.read().get("consultations", []):
            if item["id"] == policy_id:
                return Consultation(item["id"], item["title"], item["url"],
                                    dt.date.fromisoformat(item["ends"]),
                                    tuple(item.get("sections", [])))
        return None

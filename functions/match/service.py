"""Matching a profile against the rule set in force (no HTTP here).

The rules themselves (model, checks, evaluation) live in :mod:`tongda_rules`, shared with
the site builder; this module keeps the compiled rule set of the newest revision that the
engine can load.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from tongda_rules import Fact, Matcher, ProfileError, ruleset_problems

__all__ = ["MatchService", "NoRuleset", "ProfileError", "ruleset_problems"]
log = logging.getLogger("tongda.functions.match")
#: How many older revisions to try when the newest cannot be loaded.
_FALLBACK = 20


class NoRuleset(LookupError):
    """No rule set has been published yet (or none that the engine can load)."""


class MatchService:
    """Matching against the newest published rule set, compiled once per revision.

    Publishing checks a rule set before storing it, so the newest revision always loads.
    A revision stored before those checks existed might not: then the newest one that
    loads is served and the failure is logged, rather than every request failing.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self._cached: tuple[int, int, Matcher] | None = None
        self._broken: set[int] = set()

    def matcher(self) -> tuple[int, Matcher]:
        """The revision in force and its compiled matcher."""
        latest = self.store.latest_revision()
        if latest is None:
            raise NoRuleset("尚未发布政策规则")
        cached = self._cached
        if cached is not None and cached[0] == latest:
            return cached[1], cached[2]
        for revision in self._candidates(latest):
            stored = self.store.get(revision)
            if stored is None or stored.document is None:
                continue
            try:
                matcher = Matcher(stored.document)
            except Exception:
                log.exception("规则版本 %d 无法加载，改用更早的版本", revision)
                self._broken.add(revision)
                continue
            self._cached = (latest, revision, matcher)
            return revision, matcher
        raise NoRuleset("没有可以加载的政策规则版本")

    def _candidates(self, latest: int) -> list[int]:
        revisions = self.store.revisions(below=latest + 1, limit=_FALLBACK)
        return [r for r in revisions if r not in self._broken]

    def match(self, subject: str, profile: dict[str, Any],
              only: Iterable[str] | None = None, limit: int | None = None) -> dict[str, Any]:
        """Match a profile; the response body of ``POST match``.

        Args:
            subject: ``enterprise`` or ``person``.
            profile: Fact values; a coded option may be given by its label (滨江区 for
                ``390102``), as people and the forms they fill in name it.
            only: Policy ids to keep (all when ``None``).
            limit: Return only the best ``limit`` results (``count`` and ``eligible``
                still count every policy matched).
        """
        revision, matcher = self.matcher()
        results = matcher.match(subject, with_codes(profile, matcher.facts.get(subject, {})),
                                only)
        return {"subject": subject, "revision": revision, "count": len(results),
                "eligible": sum(1 for r in results if r["eligible"] is True),
                "results": results if limit is None else results[:limit]}


def with_codes(profile: dict[str, Any], facts: dict[str, Fact]) -> dict[str, Any]:
    """The profile with option labels replaced by their codes (滨江区 → ``390102``).

    A value that is already a code, or that no label names, is left as it is (the
    profile check then names any value outside the options).
    """
    out = dict(profile)
    for name, value in profile.items():
        fact = facts.get(name)
        if fact is None or not fact.option_labels:
            continue
        codes = {label: code for code, label in fact.option_labels.items()}
        if isinstance(value, str) and value not in fact.option_labels:
            out[name] = codes.get(value, value)
        elif isinstance(value, list):
            out[name] = [codes.get(v, v) if isinstance(v, str) and v not in fact.option_labels
                         else v for v in value]
    return out

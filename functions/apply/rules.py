"""The rules applications are judged by: the match function's rule set in force.

Matching, the calculator and applications must never disagree, so applications read the
same published revisions as ``/api/match/`` (:class:`functions.match.store.MatchStore`).
Deployed alone, the applications function keeps those revisions in its own database and
publishes the site's ``api/match/rules.json`` exactly as the match function does.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from tongda_rules import Fact, Matcher, ruleset_problems

from functions.match.store import MIGRATIONS as MATCH_MIGRATIONS
from functions.match.store import MatchStore
from functions.runtime.db import migrate

log = logging.getLogger("tongda.functions.apply")
RULES_FILE = Path("api/match/rules.json")


class NoRules(LookupError):
    """No rule set is published, or it does not hold the policy."""


def seed_rules(engine: Engine, site_dir: Path | None) -> None:
    """Make the match function's tables and publish the site's rules when they changed."""
    migrate(engine, "match", MATCH_MIGRATIONS)
    path = site_dir / RULES_FILE if site_dir else None
    if path is None or not path.is_file():
        return
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = ruleset_problems(document)
    if problems:
        log.error("站点的 %s 有误，未发布：%s", RULES_FILE, "；".join(problems[:5]))
        return
    MatchStore(engine).publish_site(document)


@dataclass
class _Loaded:
    revision: int
    document: dict[str, Any]
    policies: dict[str, dict[str, Any]]
    matchers: dict[str, Matcher] = field(default_factory=dict)
    facts: dict[str, dict[str, Fact]] = field(default_factory=dict)


class PublishedRules:
    """The newest published rule set, with one compiled matcher per policy.

    A matcher per policy, not one for the whole rule set: a decision evaluates one
    policy, and compiling it alone keeps each decision's work small.
    """

    def __init__(self, engine: Engine) -> None:
        self.store = MatchStore(engine)
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def _load(self) -> _Loaded:
        latest = self.store.latest_revision()
        if latest is None:
            raise NoRules("尚未发布政策规则")
        loaded = self._loaded
        if loaded is not None and loaded.revision == latest:
            return loaded
        with self._lock:
            loaded = self._loaded
            if loaded is None or loaded.revision != latest:
                stored = self.store.get(latest)
                if stored is None or stored.document is None:
                    raise NoRules("尚未发布政策规则")
                facts = {kind: {f["name"]: Fact.model_validate(f) for f in declared}
                         for kind, declared in stored.document.get("facts", {}).items()}
                loaded = _Loaded(latest, stored.document,
                                 {p["id"]: p for p in stored.document.get("policies", [])},
                                 facts=facts)
                self._loaded = loaded
        return loaded

    def policy(self, policy_id: str) -> tuple[int, dict[str, Any], Matcher]:
        """The revision in force, the policy's rules and a matcher holding them.

        Raises:
            NoRules: Nothing is published, or the rule set in force lacks the policy.
        """
        loaded = self._load()
        policy = loaded.policies.get(policy_id)
        if policy is None:
            raise NoRules(f"现行规则中没有政策 {policy_id}")
        matcher = loaded.matchers.get(policy_id)
        if matcher is None:
            matcher = Matcher({"facts": loaded.document.get("facts", {}), "policies": [policy]})
            loaded.matchers[policy_id] = matcher
        return loaded.revision, policy, matcher

    def facts(self) -> tuple[int, dict[str, dict[str, Fact]]]:
        """The revision in force and its declared facts, by subject kind."""
        loaded = self._load()
        return loaded.revision, loaded.facts

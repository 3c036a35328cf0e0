"""Helpers shared by the functions' tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any


def build_ruleset(docs_dir: Path, today: str | None = None, *,
                  content_errors_ok: bool = False,
                  statuses: tuple[str, ...] = ("effective", "amended")) -> tuple[dict[str, Any], list[Any]]:
    """Rule set and cases of a content folder, without running MkDocs.

    ``content_errors_ok``: the demo content's other errors (dangling links…) are checked by
    the content tests; here only the rules matter. ``statuses``: policies kept in the rule
    set (cases are returned for those only).
    """
    from site_builder.content.corpus import load_corpus
    from site_builder.plugins.match.ruleset import RulesetBuilder, load_facts

    corpus = load_corpus(docs_dir, today=dt.date.fromisoformat(today) if today else None)
    assert content_errors_ok or not corpus.errors, [e.format() for e in corpus.errors]
    facts = load_facts(docs_dir / "_data" / "facts.yml", "_data/facts.yml")
    builder = RulesetBuilder(facts, list(statuses))
    ruleset = builder.build(corpus, verify_cases=False)
    assert not builder.errors, [e.format() for e in builder.errors]
    ids = {p["id"] for p in ruleset["policies"]}
    cases = [(e.id, e.meta.subject, c.model_dump(mode="json", exclude_unset=True))  # type: ignore[attr-defined]
             for e in corpus.of_kind("policy") if e.id in ids
             for c in e.meta.cases]  # type: ignore[attr-defined]
    return ruleset, cases

"""Collect every policy's rules into the rule set the function and the calculator use.

Collect, then write: :class:`RulesetBuilder` validates all rules and cases against the
declared facts and returns every error (file, line, field) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from tongda_rules import RULES_VERSION, Fact, FactsFile, Matcher, check_case, check_rules

from site_builder.content.regions import REGIONS_FILE, Regions, load_regions
from site_builder.errors import ContentError

#: The value of the extra option ``options_from.other`` adds (an answer outside the table).
OTHER = "other"


def load_facts(path: Path, shown_as: str) -> FactsFile:
    """Read ``facts.yml``; raise :class:`ContentError` naming the field on a mistake.

    A fact with ``options_from`` gets its ``options`` and ``option_labels`` from the table
    it names (``regions``: ``regions.yml`` beside ``facts.yml``), so rules, the calculator
    and the function all see the same list of codes with names.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(shown_as, None, "", f"无法读取事实声明：{exc}") from exc
    try:
        facts = FactsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ContentError(shown_as, None, field, first["msg"]) from exc
    if not any(f.options_from for f in [*facts.enterprise, *facts.person]):
        return facts
    table_shown = shown_as.rsplit("/", 1)[0] + "/" + REGIONS_FILE if "/" in shown_as \
        else REGIONS_FILE
    regions = load_regions(path.parent, table_shown)
    return FactsFile(
        enterprise=[_with_options(f, regions, f"enterprise.{i}", shown_as)
                    for i, f in enumerate(facts.enterprise)],
        person=[_with_options(f, regions, f"person.{i}", shown_as)
                for i, f in enumerate(facts.person)])


def _with_options(fact: Fact, regions: Regions, where: str, shown_as: str) -> Fact:
    """The fact with the options its ``options_from`` names, read from the table."""
    source = fact.options_from
    if source is None:
        return fact
    if source.within is not None and source.within not in regions:
        raise ContentError(shown_as, None, f"{where}.options_from.within",
                           f"区划代码 {source.within} 不在 _data/{REGIONS_FILE} 中")
    codes = regions.children(source.within) if source.within else list(regions.names)
    if not codes:
        raise ContentError(shown_as, None, f"{where}.options_from",
                           f"_data/{REGIONS_FILE} 中没有可选的区划，请先在表中列出")
    labels = {code: regions.names[code] for code in codes}
    if source.other:
        codes.append(OTHER)
        labels[OTHER] = source.other
    return fact.model_copy(update={"options": codes, "option_labels": labels,
                                   "options_from": None})


class RulesetBuilder:
    """Builds ``rules.json`` from a corpus (see :mod:`site_builder.content.corpus`)."""

    def __init__(self, facts: FactsFile, statuses: list[str]) -> None:
        self.facts = facts
        self.statuses = set(statuses)
        self.errors: list[ContentError] = []

    def build(self, corpus: Any, *, verify_cases: bool = True) -> dict[str, Any]:
        """Return the rule set; problems are collected in :attr:`errors`."""
        policies, checked = [], []
        entries: dict[str, Any] = {}
        cases: list[tuple[Any, int, dict[str, Any]]] = []
        for entry in corpus.of_kind("policy"):
            meta = entry.meta
            if not (meta.eligibility or meta.amount or meta.cases):
                continue
            problems = check_rules(meta.subject, meta.eligibility, meta.amount, meta.cases,
                                   self.facts)
            for p in problems:
                self.errors.append(ContentError(entry.src_path, _line(entry, p.field), p.field,
                                                p.message))
            if problems:
                continue
            policy = self._policy(entry, corpus)
            entries[entry.id] = entry
            checked.append(policy)  # cases of expired policies are checked all the same
            if entry.status in self.statuses:
                policies.append(policy)
            cases += [(entry, i, c.model_dump(mode="json", exclude_unset=True))
                      for i, c in enumerate(meta.cases)]
        today = getattr(corpus, "today", None) or dt.date.today()
        document = {
            "version": RULES_VERSION,
            # The build's day (``today`` in mkdocs.yml when set), not the clock's.
            "generated": today.isoformat(),
            "facts": self.facts.model_dump(mode="json", exclude_none=True),
            "policies": sorted(policies, key=lambda p: p["id"]),
        }
        if checked and not self.errors:
            # Compiled here as the function will compile it: the build refuses what the
            # function would refuse, so a deployed rule set can never break matching.
            self._verify({**document, "policies": checked}, entries,
                         cases if verify_cases else [])
        return document

    def _policy(self, entry: Any, corpus: Any) -> dict[str, Any]:
        meta = entry.meta
        services = [{"id": s, "title": corpus.documents[s].meta.title,
                     "url": corpus.documents[s].url}
                    for s in meta.services if s in corpus.documents]
        return {
            "id": meta.id, "title": meta.title, "url": entry.url, "subject": meta.subject,
            "doc_number": meta.doc_number, "issuer": meta.issuer, "status": entry.status,
            "services": services,
            "eligibility": [r.model_dump(mode="json") for r in meta.eligibility],
            "amount": meta.amount.model_dump(mode="json") if meta.amount else None,
            # The function refuses a rule set whose policies do not pass their own cases.
            "cases": [c.model_dump(mode="json", exclude_unset=True) for c in meta.cases],
        }

    def _compile_errors(self, document: dict[str, Any], corpus_entries: dict[str, Any]) -> None:
        for policy_id, message in _compile_errors_of(document):
            entry = corpus_entries.get(policy_id)
            where = entry.src_path if entry is not None else policy_id
            line = _line(entry, "eligibility") if entry is not None else None
            self.errors.append(ContentError(where, line, "eligibility",
                                            f"计算引擎无法编译这条政策的规则：{message}"))

    def _verify(self, document: dict[str, Any], entries: dict[str, Any],
                cases: list[tuple[Any, int, dict[str, Any]]]) -> None:
        try:
            matcher = Matcher(document)
        except Exception:  # noqa: BLE001 - an engine failure is the rules' error: find whose
            self._compile_errors(document, entries)
            return
        for entry, i, case in cases:
            for diff in check_case(matcher, entry.id, entry.meta.subject, case):
                field = f"cases.{i}.expect"
                self.errors.append(ContentError(entry.src_path, _line(entry, field), field,
                                                f"案例“{case['name']}”不成立：{diff}"))


def _compile_errors_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(policy id, engine message) for each policy the engine cannot compile alone."""
    failed = []
    for policy in document["policies"]:
        try:
            Matcher({**document, "policies": [policy]})
        except Exception as exc:  # noqa: BLE001 - reported with the policy it belongs to
            failed.append((policy["id"], str(exc)))
    return failed


def _line(entry: Any, field: str) -> int | None:
    path = tuple(int(p) if p.isdigit() else p for p in field.split("."))
    try:
        return int(entry.source.line_of(path))
    except Exception:  # noqa: BLE001 - a line number is a courtesy, never a failure
        return None

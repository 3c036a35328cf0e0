"""The applications catalog: which policies take applications, with what materials and limits.

Collect, then write: :class:`CatalogBuilder` reads the policies of the rule set the match
plugin built (so the calculator, matching and applications share one set of policies),
their service guides' materials and time limits, the holiday calendar, and the
``proactive`` flag, and returns every error (file, line, field) before anything is
written. The applications function reads the result, ``api/apply/catalog.json``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from tongda_rules import fact_reads

from site_builder.errors import ContentError

CATALOG_VERSION = 1


def policy_reads(policy: dict[str, Any]) -> list[str]:
    """The facts a policy's conditions and amount read, in order of first use."""
    names: list[str] = []
    logics = [c["logic"] for c in policy.get("eligibility") or []]
    if policy.get("amount"):
        logics.append(policy["amount"]["logic"])
    for logic in logics:
        names += [n for n in fact_reads(logic) if n not in names]
    return names


def load_holidays(path: Path, shown_as: str) -> dict[str, Any]:
    """Read and check ``holidays.yml``; return it with ISO dates (JSON-ready).

    Raises:
        ContentError: The file cannot be read or a field is wrong (named in the error).
    """
    if not path.is_file():
        return {"years": {}}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ContentError(shown_as, line, "", f"无法读取节假日安排：{exc}") from exc
    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, dict):
        raise ContentError(shown_as, None, "years", "应为按年份列出的节假日安排")
    out: dict[str, Any] = {}
    for year, entry in years.items():
        where = f"years.{year}"
        if not isinstance(year, int) or not 2000 <= year <= 2100 or not isinstance(entry, dict):
            raise ContentError(shown_as, None, where, "年份应为四位数字，其下写 holidays 和 workdays")
        holidays = []
        for i, item in enumerate(entry.get("holidays") or []):
            field = f"{where}.holidays.{i}"
            if not isinstance(item, dict) or not item.get("name"):
                raise ContentError(shown_as, None, field, "应写成 {name: 节日名称, from: 开始日期, to: 结束日期}")
            start, end = _date(item.get("from"), shown_as, f"{field}.from"), \
                _date(item.get("to"), shown_as, f"{field}.to")
            if end < start or (end - start).days > 31:
                raise ContentError(shown_as, None, field, "结束日期应不早于开始日期，且一次放假不超过一个月")
            holidays.append({"name": str(item["name"]), "from": start.isoformat(),
                             "to": end.isoformat()})
        workdays = []
        for i, item in enumerate(entry.get("workdays") or []):
            day = _date(item, shown_as, f"{where}.workdays.{i}")
            if day.weekday() < 5:
                raise ContentError(shown_as, None, f"{where}.workdays.{i}",
                                   f"{day.isoformat()} 本来就是工作日，这里只列调休上班的周六、周日")
            workdays.append(day.isoformat())
        out[str(year)] = {"source": entry.get("source"), "holidays": holidays,
                          "workdays": workdays}
    return {"years": out}


def _date(value: Any, shown_as: str, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ContentError(shown_as, None, field, f"{value!r} 不是有效日期，应写成 2026-10-01 这样的格式")


def catalog_errors(ruleset: dict[str, Any], corpus: Any, options: Any) -> list[ContentError]:
    """Everything the build refuses in the catalog (``tongda check`` and ``tongda build``).

    Args:
        ruleset: The rule set the match plugin's ``RulesetBuilder`` made.
        corpus: The loaded corpus.
        options: The ``tongda-apply`` plugin's options.

    Returns:
        The holiday calendar's or the policies' errors, paths relative to the content folder.
    """
    try:
        calendar = load_holidays(Path(corpus.docs_dir) / options["catalog_holidays"],
                                 options["catalog_holidays"])
    except ContentError as exc:
        return [exc]
    builder = CatalogBuilder(options["catalog_time_limit_days"], options["pages_path"])
    builder.build(ruleset, corpus, calendar)
    return builder.errors


class CatalogBuilder:
    """Builds ``catalog.json`` from the rule set and the corpus.

    Args:
        default_days: Committed time limit of a policy whose service guides give none.
        pages_path: Site path of the application pages (``apply/``).
    """

    def __init__(self, default_days: int, pages_path: str) -> None:
        self.default_days = default_days
        self.pages_path = pages_path.strip("/") + "/"
        self.errors: list[ContentError] = []

    def build(self, ruleset: dict[str, Any], corpus: Any, calendar: dict[str, Any]) -> dict[str, Any]:
        """Return the catalog; problems are collected in :attr:`errors`."""
        verifiable = {kind: {f["name"] for f in facts if f.get("verifiable")}
                      for kind, facts in ruleset.get("facts", {}).items()}
        in_rules = {p["id"] for p in ruleset.get("policies", [])}
        self._proactive_without_rules(corpus, in_rules)
        policies = []
        for policy in ruleset.get("policies", []):
            entry = corpus.documents.get(policy["id"])
            if entry is None:
                continue
            proactive = bool(getattr(entry.meta, "proactive", False))
            if proactive:
                self._check_proactive(entry, policy, verifiable.get(policy["subject"], set()))
            services = [corpus.documents[s] for s in entry.meta.services
                        if s in corpus.documents and corpus.documents[s].kind == "service"]
            policies.append({
                "id": policy["id"], "title": policy["title"], "url": policy.get("url"),
                "subject": policy["subject"], "doc_number": policy.get("doc_number"),
                "issuer": policy.get("issuer"), "proactive": proactive,
                "time_limit_days": self._time_limit(services),
                "materials": _materials(services),
                "services": [{"id": s.id, "title": s.meta.title, "url": s.url} for s in services],
                "apply_url": f"{self.pages_path}{policy['id']}/",
                "reads": policy_reads(policy),
            })
        today = getattr(corpus, "today", None) or dt.date.today()
        return {"version": CATALOG_VERSION, "generated": today.isoformat(),
                "policies": policies, "calendar": calendar}

    def _time_limit(self, services: list[Any]) -> int:
        days = []
        for service in services:
            limit = service.meta.time_limit
            if limit is None:
                continue
            if limit.promised_days is not None:
                days.append(limit.promised_days)
            elif limit.legal_days is not None and limit.legal_unit == "工作日":
                days.append(limit.legal_days)
        return min(days) if days else self.default_days

    def _check_proactive(self, entry: Any, policy: dict[str, Any], verifiable: set[str]) -> None:
        unverifiable = [n for n in policy_reads(policy) if n not in verifiable]
        if unverifiable:
            self.errors.append(ContentError(
                entry.src_path, _line(entry, "proactive"), "proactive",
                f"免申即享的政策只能依据可核验的事实判断，但条件或金额读取了不可核验的事实："
                f"{'、'.join(unverifiable)}（见 _data/facts.yml 的 verifiable）。请去掉 proactive: true，"
                "或改写条件。"))

    def _proactive_without_rules(self, corpus: Any, in_rules: set[str]) -> None:
        for entry in corpus.of_kind("policy"):
            meta = entry.meta
            if getattr(meta, "proactive", False) and not meta.eligibility and entry.id not in in_rules:
                self.errors.append(ContentError(
                    entry.src_path, _line(entry, "proactive"), "proactive",
                    "免申即享的政策必须写适用条件（subject、eligibility），系统才能据此自动核定。"))


def _materials(services: list[Any]) -> list[dict[str, Any]]:
    """The one standard list: every service's materials, each name once, in order."""
    seen: dict[str, dict[str, Any]] = {}
    for service in services:
        for item in service.meta.materials:
            if item.name not in seen:
                seen[item.name] = {"name": item.name, "source": item.source, "note": item.note,
                                   "copies": item.copies, "original": item.original,
                                   "service": service.id}
    return list(seen.values())


def _line(entry: Any, field: str) -> int | None:
    try:
        return int(entry.source.line_of((field,)))
    except Exception:  # noqa: BLE001 - a line number is a courtesy, never a failure
        return None

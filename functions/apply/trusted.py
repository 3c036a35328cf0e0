"""Trusted data: facts about a subject that the government already holds.

A :class:`TrustedData` adapter answers "what do shared data say about this enterprise or
person?" Facts it returns are *verified*: an application takes them instead of what the
applicant typed, and only verified facts can approve an application instantly. Two
adapters:

- :class:`RegistryData` reads the fictional registry in ``content/_data/registry/`` (the
  demo city's enterprises and residents; its README describes the format);
- :class:`HttpTrustedData` asks a data-sharing service over HTTP(S) (production).

Only facts declared ``verifiable`` in ``facts.yml`` are ever taken from an adapter, and
each value is checked against its declaration, so a bad record cannot reach a decision.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from tongda_rules import Fact, profile_problems

log = logging.getLogger("tongda.functions.apply")
#: Registry files and the subject kind each holds.
REGISTRY_FILES = {"enterprise": "enterprises.yml", "person": "residents.yml"}


class TrustedDataError(ValueError):
    """A registry or a service answer that cannot be used; the message is in Chinese."""


class TrustedDataUnavailable(RuntimeError):
    """The data-sharing service did not answer; decisions fall back to people."""


@dataclass(frozen=True)
class SubjectRecord:
    """What shared data hold about one subject.

    Attributes:
        id: The subject's id (统一社会信用代码 or 公民身份号码).
        kind: ``enterprise`` or ``person``.
        name: The subject's name (for payment instructions and staff).
        facts: Verified facts by name, as of the day asked about.
        source: Where the facts come from, as people read it.
    """

    id: str
    kind: str
    name: str
    facts: dict[str, Any] = field(default_factory=dict)
    source: str = "共享数据"


class TrustedData(Protocol):
    """The interface every trusted-data adapter offers."""

    def record(self, subject: str, on: dt.date) -> SubjectRecord | None:
        """What shared data hold about ``subject`` on day ``on``; ``None`` when unknown.

        Raises:
            TrustedDataUnavailable: The source cannot be asked right now.
        """
        ...

    def subjects(self, kind: str, on: dt.date) -> Iterator[SubjectRecord]:
        """Every subject of ``kind`` the source holds (for 免申即享)."""
        ...


def derive(kind: str, raw: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    """Facts that change with time, computed for day ``on`` from dates in the record.

    ``birth_date`` gives a person's ``age`` in whole years; ``established`` gives an
    enterprise's ``years``. A date after ``on`` gives nothing (the record is newer).
    """
    derived: dict[str, Any] = {}
    source = raw.get("birth_date") if kind == "person" else raw.get("established")
    if source is not None:
        day = source if isinstance(source, dt.date) else dt.date.fromisoformat(str(source))
        if day <= on:
            years = on.year - day.year - ((on.month, on.day) < (day.month, day.day))
            derived["age" if kind == "person" else "years"] = years
    return derived


def checked_facts(kind: str, subject: str, values: Mapping[str, Any],
                  declared: Mapping[str, Fact]) -> dict[str, Any]:
    """The values that are declared verifiable and fit their declaration.

    Raises:
        TrustedDataError: A value is of the wrong type or outside its options, or a fact
            is not declared (a registry is checked as strictly as a rule set).
    """
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise TrustedDataError(f"{kind} {subject}: 未声明的事实 {'、'.join(unknown)}")
    problems = profile_problems(dict(values), dict(declared))
    if problems:
        name, message = problems[0]
        raise TrustedDataError(f"{kind} {subject}: 事实 {name} {message}")
    return {k: v for k, v in values.items() if declared[k].verifiable and v is not None}


class RegistryData:
    """The fictional registry in ``content/_data/registry/`` (YAML files).

    Args:
        folder: The registry folder.
        facts: Declared facts by subject kind (from the rule set in force).
    """

    def __init__(self, folder: Path, facts: Mapping[str, Mapping[str, Fact]]) -> None:
        self.folder = folder
        self.facts = facts
        self._raw: dict[str, dict[str, dict[str, Any]]] = {}
        self._source: dict[str, str] = {}
        for kind, name in REGISTRY_FILES.items():
            self._load(kind, folder / name)

    def _load(self, kind: str, path: Path) -> None:
        self._raw[kind] = {}
        if not path.is_file():
            return
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise TrustedDataError(f"无法读取登记册 {path}：{exc}") from exc
        self._source[kind] = str(data.get("source") or "共享数据")
        for i, item in enumerate(data.get("subjects") or []):
            if not isinstance(item, Mapping) or not item.get("id") or not item.get("name"):
                raise TrustedDataError(f"{path}: subjects.{i} 缺少 id 或 name")
            sid = str(item["id"])
            if sid in self._raw[kind]:
                raise TrustedDataError(f"{path}: 主体 {sid} 重复")
            self._raw[kind][sid] = dict(item)
            # Checked once on load with today's derived facts, so a typo fails at start.
            self._record(kind, sid, dt.date.today())

    def _record(self, kind: str, sid: str, on: dt.date) -> SubjectRecord:
        raw = self._raw[kind][sid]
        values = {**dict(raw.get("facts") or {}), **derive(kind, raw, on)}
        facts = checked_facts(kind, sid, values, self.facts.get(kind, {}))
        return SubjectRecord(sid, kind, str(raw["name"]), facts, self._source.get(kind, "共享数据"))

    def record(self, subject: str, on: dt.date) -> SubjectRecord | None:
        """The subject's record (see :class:`TrustedData`)."""
        for kind, subjects in self._raw.items():
            if subject in subjects:
                return self._record(kind, subject, on)
        return None

    def subjects(self, kind: str, on: dt.date) -> Iterator[SubjectRecord]:
        """Every subject of ``kind`` in the registry, in file order."""
        for sid in list(self._raw.get(kind, {})):
            yield self._record(kind, sid, on)


class HttpTrustedData:
    """A data-sharing service over HTTP(S).

    The service answers ``GET {base}/subjects/{id}?on=YYYY-MM-DD`` with a record as JSON
    (``{"id", "kind", "name", "facts", "source"}``, facts already derived for that day) or
    404 when it holds nothing, and ``GET {base}/subjects?kind=person&on=…&after=ID`` with
    ``{"subjects": [...], "next": ID or null}`` page by page.

    Args:
        base: The service's base URL; ``https://`` except on loopback.
        facts: Declared facts by subject kind (only verifiable ones are taken).
        token: A bearer token for the service, if it needs one.
        timeout: Seconds to wait for an answer; a slow service sends the applicant to a
            person instead of holding the request.
    """

    def __init__(self, base: str, facts: Mapping[str, Mapping[str, Fact]], *,
                 token: str | None = None, timeout: float = 3.0) -> None:
        parsed = urllib.parse.urlsplit(base)
        loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
            raise TrustedDataError(f"数据共享服务的地址必须是 https://（本机测试可用 http://127.0.0.1）：{base}")
        self.base = base.rstrip("/")
        self.facts = facts
        self.token = token
        self.timeout = timeout

    def _get(self, path: str, query: dict[str, str]) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked in __init__
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked in __init__
                return json.loads(response.read(4 * 1024 * 1024))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise TrustedDataUnavailable(f"数据共享服务答复 {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise TrustedDataUnavailable(f"数据共享服务无法访问：{exc}") from exc

    def _parse(self, data: Any, on: dt.date) -> SubjectRecord:
        if not isinstance(data, Mapping) or data.get("kind") not in REGISTRY_FILES:
            raise TrustedDataUnavailable("数据共享服务的答复格式不对")
        kind, sid = str(data["kind"]), str(data.get("id"))
        values = dict(data.get("facts") or {})
        try:
            facts = checked_facts(kind, sid, values, self.facts.get(kind, {}))
        except TrustedDataError as exc:
            raise TrustedDataUnavailable(str(exc)) from exc
        return SubjectRecord(sid, kind, str(data.get("name") or sid), facts,
                             str(data.get("source") or "数据共享服务"))

    def record(self, subject: str, on: dt.date) -> SubjectRecord | None:
        """The subject's record (see :class:`TrustedData`)."""
        data = self._get(f"/subjects/{urllib.parse.quote(subject, safe='')}",
                         {"on": on.isoformat()})
        if data is None:
            return None
        record = self._parse(data, on)
        if record.id != subject:
            raise TrustedDataUnavailable("数据共享服务答复的主体与所问的不一致")
        return record

    def subjects(self, kind: str, on: dt.date) -> Iterator[SubjectRecord]:
        """Every subject of ``kind`` the service lists, page by page."""
        after = ""
        while True:
            page = self._get("/subjects", {"kind": kind, "on": on.isoformat(), "after": after})
            if not isinstance(page, Mapping):
                return
            for item in page.get("subjects") or []:
                yield self._parse(item, on)
            after = page.get("next") or ""
            if not after:
                return

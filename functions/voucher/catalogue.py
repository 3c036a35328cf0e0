"""The data catalogue (what a requester may ask for) and the data-provider adapter.

:class:`Catalogue` reads ``voucher/catalogue.yml``. A :class:`DataProvider` answers "what
do government data say about this person, for these kinds?"; :class:`RegistryProvider`
reads the demo city's registry (``registry/residents.yml`` for who exists,
``voucher/records.yml`` for the data). A production deployment puts the data-sharing
platform's API behind the same protocol.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class CatalogueError(ValueError):
    """A catalogue or registry file that cannot be used; the message is in Chinese."""


@dataclass(frozen=True)
class DataKind:
    """One kind of data a report may hold."""

    id: str
    name: str
    provider: str
    description: str = ""

    def public(self) -> dict[str, str]:
        """As vouchers and the API show it."""
        return {"id": self.id, "name": self.name, "provider": self.provider}


@dataclass(frozen=True)
class Catalogue:
    """The issuer's name and the data kinds, in catalogue order."""

    issuer_name: str
    platform: str
    kinds: dict[str, DataKind]

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        """Read and check ``catalogue.yml``."""
        data = _yaml(path)
        issuer = data.get("issuer") or {}
        kinds: dict[str, DataKind] = {}
        for number, entry in enumerate(data.get("kinds") or [], 1):
            if not isinstance(entry, dict) or not _ID.match(str(entry.get("id", ""))) \
                    or not entry.get("name") or not entry.get("provider"):
                raise CatalogueError(f"{path}: 第 {number} 个数据种类须有 id（小写字母、数字、_）、"
                                     "name 和 provider。")
            if entry["id"] in kinds:
                raise CatalogueError(f"{path}: 数据种类 {entry['id']} 重复。")
            kinds[entry["id"]] = DataKind(entry["id"], str(entry["name"]),
                                          str(entry["provider"]), str(entry.get("description", "")))
        if not kinds or not issuer.get("name"):
            raise CatalogueError(f"{path}: 须写明 issuer.name 和至少一个数据种类。")
        return cls(str(issuer["name"]), str(issuer.get("platform", issuer["name"])), kinds)

    def pick(self, ids: Sequence[str]) -> list[DataKind]:
        """The kinds ``ids`` name, in catalogue order; :class:`CatalogueError` for unknown ids."""
        unknown = [i for i in ids if i not in self.kinds]
        if unknown:
            raise CatalogueError(f"数据目录中没有这些种类：{'、'.join(unknown)}。可选："
                                 f"{'、'.join(self.kinds)}。")
        wanted = set(ids)
        return [k for k in self.kinds.values() if k.id in wanted]


class DataProvider(Protocol):
    """Where report data come from (the registry locally, the data-sharing platform in production)."""

    def exists(self, subject_id: str) -> bool:
        """Whether the subject is a known resident."""

    def fetch(self, subject_id: str, kinds: Sequence[DataKind]) -> list[dict[str, Any]]:
        """One report item per kind: ``{kind, name, provider, data}`` (``data`` ``None`` if not held)."""


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogueError(f"无法读取 {path}：{exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: 应为 YAML 映射。")
    return data


def _plain(value: Any) -> Any:
    """YAML values as JSON can hold them (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        # JSON numbers in a canonical report: keep decimals as text, so no float ever
        # decides a digest (RFC 8785 would print 89.5 alike, but other readers may not).
        return format(value, "g")
    return value


class RegistryProvider:
    """The demo registry: residents (``registry/residents.yml``) and their data (``voucher/records.yml``)."""

    def __init__(self, data_dir: Path) -> None:
        residents = _yaml(data_dir / "registry" / "residents.yml")
        self.residents = {str(s["id"]) for s in residents.get("subjects") or []
                          if isinstance(s, dict) and "id" in s}
        records = _yaml(data_dir / "voucher" / "records.yml")
        self.source = str(records.get("source", ""))
        subjects = records.get("subjects") or {}
        unknown = sorted(set(map(str, subjects)) - self.residents)
        if unknown:
            raise CatalogueError(f"records.yml 中的主体不在居民登记册中：{'、'.join(unknown)}")
        self.records = {str(k): _plain(v or {}) for k, v in subjects.items()}

    def exists(self, subject_id: str) -> bool:
        """Whether the subject is in the residents' registry."""
        return subject_id in self.residents

    def fetch(self, subject_id: str, kinds: Sequence[DataKind]) -> list[dict[str, Any]]:
        """The subject's data for each kind."""
        held = self.records.get(subject_id, {})
        return [{**kind.public(), "data": held.get(kind.id)} for kind in kinds]

"""The jurisdiction, teams, services and grid a complaint function serves, read from files.

Two files, kept by editors beside the site's other registries in ``content/_data/``:
``complaint.yml`` (jurisdiction, handling teams, services with their Open311 attributes and
time limits) and ``complaint-grid.geojson`` (the city's boundary and its grid cells, each
naming the team that handles each group of services). The build copies both into the
site's ``api/complaint/``, so a function deployed alone reads them from the built site.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SERVICES_FILE = "complaint.yml"
GRID_FILE = "complaint-grid.geojson"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


class CatalogError(ValueError):
    """The services or grid file is wrong; the message names the file and field, in Chinese."""


@dataclass(frozen=True)
class AttributeValue:
    """One option of a list attribute."""

    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """One Open311 service attribute (a question asked for this service)."""

    code: str
    datatype: str
    required: bool
    description: str
    order: int
    variable: bool = True
    datatype_description: str | None = None
    values: tuple[AttributeValue, ...] = ()


@dataclass(frozen=True)
class Service:
    """One kind of problem a citizen can report (an Open311 service)."""

    code: str
    name: str
    group: str
    description: str
    keywords: str
    time_limit: dt.timedelta
    type: str = "realtime"
    attributes: tuple[Attribute, ...] = ()

    @property
    def metadata(self) -> bool:
        """Whether clients must read the service definition (Open311 ``metadata``)."""
        return bool(self.attributes)


@dataclass(frozen=True)
class Team:
    """A team that handles reports (its staff hold tokens with this team as subject)."""

    id: str
    name: str


@dataclass(frozen=True)
class Jurisdiction:
    """Who runs this Open311 endpoint."""

    id: str
    name: str
    contact: str
    key_service: str
    changeset: str


@dataclass
class Catalog:
    """Everything the complaint function knows about its city, validated."""

    jurisdiction: Jurisdiction
    teams: dict[str, Team]
    services: dict[str, Service]
    triage_team: str
    grid: dict[str, Any] = field(repr=False)
    """The GeoJSON FeatureCollection (validated; :mod:`geo` builds the index)."""

    def service(self, code: str) -> Service | None:
        """The service with ``code``, if offered."""
        return self.services.get(code)

    def team_name(self, team: str | None) -> str | None:
        """The display name of a team id (Open311 ``agency_responsible``)."""
        return self.teams[team].name if team in self.teams else None


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}：{key} 应为非空文字")
    return value.strip()


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value or not set(value) <= _CODE_CHARS \
            or len(value) > 64:
        raise CatalogError(f"{where}：code {value!r} 只能用小写字母、数字、- 和 _，不超过 64 个字符")
    return value


def _attribute(raw: Any, where: str) -> Attribute:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}：每个属性应为一个映射（code、datatype、required……）")
    code = _code(raw.get("code"), where)
    where = f"{where}.{code}"
    datatype = raw.get("datatype")
    if datatype not in DATATYPES:
        raise CatalogError(f"{where}：datatype 应为 {'、'.join(DATATYPES)} 之一，而不是 {datatype!r}")
    values = tuple(AttributeValue(_code(v.get("key"), f"{where}.values"),
                                  _text(v, "name", f"{where}.values"))
                   for v in raw.get("values") or [])
    if datatype.endswith("valuelist") and not values:
        raise CatalogError(f"{where}：{datatype} 类型的属性要列出 values")
    order = raw.get("order", 1)
    if not isinstance(order, int) or order < 1:
        raise CatalogError(f"{where}：order 应为正整数")
    return Attribute(code=code, datatype=datatype, required=bool(raw.get("required", False)),
                     description=_text(raw, "description", where), order=order,
                     variable=bool(raw.get("variable", True)),
                     datatype_description=raw.get("datatype_description"), values=values)


def _service(raw: Any, index: int) -> Service:
    where = f"{SERVICES_FILE}: services[{index}]"
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}：应为一个映射")
    code = _code(raw.get("code"), where)
    where = f"{SERVICES_FILE}: services.{code}"
    hours = raw.get("time_limit_hours")
    if not isinstance(hours, int) or hours <= 0:
        raise CatalogError(f"{where}：time_limit_hours 应为正整数（小时）")
    kind = raw.get("type", "realtime")
    if kind not in SERVICE_TYPES:
        raise CatalogError(f"{where}：type 应为 {'、'.join(SERVICE_TYPES)} 之一")
    attributes = tuple(_attribute(a, f"{where}.attributes") for a in raw.get("attributes") or [])
    if len({a.code for a in attributes}) != len(attributes):
        raise CatalogError(f"{where}：属性的 code 有重复")
    return Service(code=code, name=_text(raw, "name", where), group=_text(raw, "group", where),
                   description=_text(raw, "description", where),
                   keywords=_text(raw, "keywords", where, required=False),
                   time_limit=dt.timedelta(hours=hours), type=kind,
                   attributes=tuple(sorted(attributes, key=lambda a: a.order)))


def parse(services_doc: Any, grid_doc: Any) -> Catalog:
    """Validate the two documents and return the catalog.

    Raises:
        CatalogError: Naming the file and field that is wrong.
    """
    if not isinstance(services_doc, dict):
        raise CatalogError(f"{SERVICES_FILE}：应为一个映射（jurisdiction、teams、services）")
    juris = services_doc.get("jurisdiction") or {}
    where = f"{SERVICES_FILE}: jurisdiction"
    jurisdiction = Jurisdiction(id=_text(juris, "id", where), name=_text(juris, "name", where),
                                contact=_text(juris, "contact", where),
                                key_service=_text(juris, "key_service", where),
                                changeset=_text(juris, "changeset", where))
    teams = {t["id"]: Team(t["id"], _text(t, "name", f"{SERVICES_FILE}: teams"))
             for t in services_doc.get("teams") or [] if isinstance(t, dict) and "id" in t}
    services: dict[str, Service] = {}
    for index, raw in enumerate(services_doc.get("services") or []):
        service = _service(raw, index)
        if service.code in services:
            raise CatalogError(f"{SERVICES_FILE}: services.{service.code}：code 重复")
        services[service.code] = service
    if not services:
        raise CatalogError(f"{SERVICES_FILE}：services 至少要有一项")
    triage = services_doc.get("triage_team")
    if triage not in teams:
        raise CatalogError(f"{SERVICES_FILE}: triage_team：{triage!r} 不是 teams 中的队伍")
    _check_grid(grid_doc, teams)
    return Catalog(jurisdiction, teams, services, str(triage), grid_doc)


def _check_grid(doc: Any, teams: dict[str, Team]) -> None:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise CatalogError(f"{GRID_FILE}：应为 GeoJSON FeatureCollection")
    kinds = [f.get("properties", {}).get("kind") for f in doc.get("features", [])]
    if kinds.count("boundary") != 1:
        raise CatalogError(f"{GRID_FILE}：应有且只有一个 kind 为 boundary 的要素（辖区边界）")
    for feature in doc["features"]:
        props = feature.get("properties") or {}
        if props.get("kind") != "cell":
            continue
        where = f"{GRID_FILE}: 网格 {props.get('id')!r}"
        handlers = props.get("handlers")
        if not isinstance(handlers, dict) or "*" not in handlers:
            raise CatalogError(f"{where}：handlers 应为映射，且有 \"*\"（默认处置队伍）")
        unknown = [t for t in handlers.values() if t not in teams]
        if unknown:
            raise CatalogError(f"{where}：handlers 中的队伍 {'、'.join(unknown)} 不在 teams 中")


def load(data_dir: Path) -> Catalog:
    """Read and validate ``complaint.yml`` and ``complaint-grid.geojson`` in ``data_dir``."""
    services_path, grid_path = data_dir / SERVICES_FILE, data_dir / GRID_FILE
    for path in (services_path, grid_path):
        if not path.is_file():
            raise CatalogError(f"找不到 {path}：请在 content/_data/ 中提供它，或用 "
                               "TONGDA_COMPLAINT_DATA 指向存放它的文件夹")
    try:
        services_doc = yaml.safe_load(services_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{SERVICES_FILE}：YAML 格式有误：{exc}") from exc
    try:
        grid_doc = json.loads(grid_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CatalogError(f"{GRID_FILE}：JSON 格式有误：{exc}") from exc
    return parse(services_doc, grid_doc)


def find_data_dir(site_dir: Path | None = None) -> Path:
    """Where the catalog files are: ``TONGDA_COMPLAINT_DATA``, the built site, or ``content/_data``.

    A function deployed alone reads the copy the build put in the site's ``api/complaint/``;
    in development the editors' ``content/_data/`` is read directly.
    """
    configured = os.environ.get("TONGDA_COMPLAINT_DATA")
    if configured:
        return Path(configured)
    if site_dir is not None and (site_dir / "api" / "complaint" / SERVICES_FILE).is_file():
        return site_dir / "api" / "complaint"
    local = Path("content") / "_data"
    if (local / SERVICES_FILE).is_file():
        return local
    # A development checkout: the demo city's registries beside the package.
    return Path(__file__).resolve().parents[2] / "content" / "_data"

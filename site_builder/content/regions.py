"""The administrative divisions a site knows: ``_data/regions.yml``, GB/T 2260 style.

The table maps 6-digit codes to names (``"390102": 滨江区``), as the national code table
does. It serves three readers: the policy calculator offers a fact's options from it (the
citizen picks 滨江区, never a code), the quality rule ``region-code-invalid`` accepts the
codes it lists (fictional or newly created divisions that the national table lacks), and
the policy graph walks a district up to its city and province.

A code's place follows from its digits (GB/T 2260): ``xx0000`` is a province, ``xxxx00``
a prefecture-level city, anything else a county-level division under ``xxxx00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from site_builder.errors import ContentError

#: File name of the table in the data folder (``content/_data/``).
REGIONS_FILE = "regions.yml"
_CODE = re.compile(r"^\d{6}$")
Level = Literal["province", "city", "district"]


def region_level(code: str) -> Level:
    """``province``, ``city`` or ``district``, from the code's digits."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "district"


def region_parent(code: str) -> str | None:
    """The code one level up (``390102`` → ``390100`` → ``390000`` → ``None``)."""
    level = region_level(code)
    if level == "province":
        return None
    if level == "city":
        return code[:2] + "0000"
    return code[:4] + "00"


@dataclass(frozen=True)
class Regions:
    """Codes and names of a site's administrative divisions.

    Attributes:
        names: Name of each code (``390102`` → 滨江区), in the table's order.
    """

    names: dict[str, str] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.names

    def name(self, code: str) -> str | None:
        """The division's name, or ``None`` when the table does not list it."""
        return self.names.get(code)

    def children(self, within: str) -> list[str]:
        """The listed divisions directly under ``within``, in the table's order."""
        return [c for c in self.names if c != within and region_parent(c) == within]

    def chain(self, code: str) -> list[str]:
        """``code`` and the listed divisions above it, the province first."""
        out: list[str] = []
        current: str | None = code
        while current is not None:
            if current in self.names:
                out.append(current)
            current = region_parent(current)
        return out[::-1]


def parse_regions(data: object, shown_as: str) -> Regions:
    """Check the table's data (a mapping of codes to names).

    Raises:
        ContentError: Naming the entry when a code or a name is malformed.
    """
    if data is None:
        return Regions()
    if not isinstance(data, dict):
        raise ContentError(shown_as, None, "", "行政区划表应为“代码: 名称”的映射，如 \"390102\": 滨江区")
    names: dict[str, str] = {}
    for key, value in data.items():
        code = str(key)
        if not _CODE.match(code):
            raise ContentError(shown_as, None, code,
                               "区划代码应为 6 位数字（GB/T 2260），并加引号，如 \"390102\"")
        if not isinstance(value, str) or not value.strip():
            raise ContentError(shown_as, None, code, "请写出该区划的名称，如 滨江区")
        names[code] = value.strip()
    return Regions(names)


def load_regions(data_dir: Path, shown_as: str | None = None) -> Regions:
    """Read ``<data_dir>/regions.yml``; an empty table when the file is absent.

    Args:
        data_dir: The site's data folder (``content/_data``).
        shown_as: How errors name the file (``content/_data/regions.yml``).

    Raises:
        ContentError: The file cannot be read or holds a malformed entry.
    """
    path = data_dir / REGIONS_FILE
    shown = shown_as or f"_data/{REGIONS_FILE}"
    if not path.is_file():
        return Regions()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(shown, None, "", f"无法读取行政区划表：{exc}") from exc
    return parse_regions(data, shown)

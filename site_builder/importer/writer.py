"""Write imported documents into a Tongda content folder, only when they changed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..content.corpus import content_files
from ..content.frontmatter import FrontMatterError, parse

try:
    _Dumper: type = yaml.CSafeDumper  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Dumper = yaml.SafeDumper



class _PlainDumper(_Dumper):  # type: ignore[misc, valid-type]
    """Never write YAML anchors and aliases (``&id001``): editors read these files."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


POLICY_FOLDER = "policies"
# Front-matter keys in the order a person reading the file expects them.
FIELD_ORDER = (
    "id", "kind", "title", "doc_type", "level", "issuer", "region", "doc_number", "written",
    "published", "effective", "tags", "supersedes", "amends", "history", "source",
)


def render(meta: dict[str, Any], body: str) -> str:
    """The file text: YAML front matter, then the body exactly as given.

    The body follows the closing ``---`` directly, so the content loader reads back the
    very same body string.
    """
    ordered = {k: meta[k] for k in FIELD_ORDER if meta.get(k) not in (None, [], "")}
    ordered.update({k: v for k, v in meta.items() if k not in ordered and v not in (None, [], "")})
    front = yaml.dump(ordered, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False,
                      default_flow_style=False, width=1 << 20)
    return f"---\n{front}---\n{body}"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless it already holds exactly that.

    Returns:
        True when the file was written.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".md", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


@dataclass
class Existing:
    """What DEST already holds, from the front matter of every document in it."""

    by_source: dict[str, tuple[str, Path]]
    """source path → (id, file) of documents an earlier import wrote."""
    ids: dict[str, str | None]
    """id → its source path (``None`` for documents not written by an import)."""
    numbers: dict[str, tuple[str | None, str]]
    """doc_number → (source path or ``None``, file relative to DEST)."""


def scan_existing(dest: Path) -> Existing:
    """Read the front matter of every document already in ``dest`` (bodies are ignored)."""
    found = Existing({}, {}, {})
    if not dest.is_dir():
        return found
    for rel, path in content_files(dest):
        try:
            meta = parse(path.read_text(encoding="utf-8")).meta
        except (OSError, UnicodeDecodeError, FrontMatterError):
            continue
        doc_id, source, number = meta.get("id"), meta.get("source"), meta.get("doc_number")
        source = source if isinstance(source, str) else None
        if isinstance(doc_id, str):
            found.ids[doc_id] = source
            if source is not None:
                found.by_source[source] = (doc_id, path)
        if isinstance(number, str):
            found.numbers[number] = (source, rel)
    return found

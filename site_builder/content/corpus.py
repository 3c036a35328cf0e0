"""Load every content file, validate it, and resolve the relations between documents.

Collect, then write: nothing is rendered until the whole corpus is known to be valid,
and every error is collected rather than only the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ContentError
from .errors_zh import to_content_errors
from .files import ContentFiles, FileLimits, read_text, scan
from .frontmatter import FieldPath, FrontMatterError, SourceDocument, parse
from .graph import Graph
from .model import KIND_FOLDERS, MODELS, Document, Policy, references

FOLDER_KINDS = {folder: kind for kind, folder in KIND_FOLDERS.items()}
# Front-matter fields that become graph edges, and the edge kind they make.
_EDGE_FIELDS = {
    "based_on": "based_on", "supersedes": "supersedes", "amends": "amends",
    "services": "services", "interprets": "interprets", "policies": "implements",
    "about": "about", "related": "related", "topics": "topic",
    "sections.see": "scenario", "sections.do": "scenario", "sections.ask": "scenario",
    "sections.check": "scenario",
}


@dataclass
class Entry:
    """One content document: its validated front matter and where it came from."""

    meta: Document
    src_path: str
    abs_path: Path
    body: str
    body_line: int
    source: SourceDocument
    status: str = "effective"
    superseded_by: list[str] = field(default_factory=list)
    stat: tuple[int, int, int, int] | None = None
    """(inode, size, mtime_ns, ctime_ns) of the file as it was read: caches of what is
    derived from the file's text use it to know the file has not changed (the change
    time moves on every write and cannot be set back, unlike the modification time)."""

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def kind(self) -> str:
        return self.meta.kind

    @property
    def url(self) -> str:
        """Site-relative URL, e.g. ``policies/guo-ban-fa-2021-12/``."""
        return f"{KIND_FOLDERS[self.meta.kind]}/{self.meta.id}/"

    @property
    def level(self) -> str | None:
        """A policy's level (national…district); ``None`` for other kinds."""
        return getattr(self.meta, "level", None) if self.meta.kind == "policy" else None

    @property
    def dest_uri(self) -> str:
        return f"{self.url}index.html"


@dataclass
class Corpus:
    """All documents of a site, their errors and their graph."""

    docs_dir: Path
    documents: dict[str, Entry] = field(default_factory=dict)
    by_path: dict[str, Entry] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    invalid_ids: dict[str, str] = field(default_factory=dict)
    """Ids of files that failed validation (id → kind), so references to them do not
    cascade into more errors: the file itself is already reported."""
    graph: Graph = field(default_factory=Graph)
    today: dt.date = field(default_factory=dt.date.today)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """Values derived from the documents once per build (for example each document's list
    item data), so pages that show the same document do not derive it again."""
    files: ContentFiles = field(default_factory=ContentFiles, repr=False)
    """Every file of the content folder the walk looked at, and what it refused."""

    def of_kind(self, kind: str) -> list[Entry]:
        """Documents of one kind, in a stable order (newest first for dated kinds)."""
        items = [e for e in self.documents.values() if e.kind == kind]
        return sorted(items, key=sort_key)


def sort_key(entry: Entry) -> tuple[Any, ...]:
    """Newest first by publication date, then by title."""
    date = getattr(entry.meta, "published", None) or getattr(entry.meta, "effective", None)
    return (-(date.toordinal() if date else 0), entry.meta.title)


def content_files(docs_dir: Path) -> Iterable[tuple[str, Path]]:
    """Every Markdown document under ``docs_dir`` except ``_data`` and hidden folders."""
    return scan(docs_dir).markdown


def read_entry(rel: str, path: Path, errors: list[ContentError],
               invalid: dict[str, str] | None = None,
               limits: FileLimits | None = None) -> Entry | None:
    """Read and validate one file; append its errors and return ``None`` when invalid."""
    try:
        text, info = read_text(rel, path, limits or FileLimits())
        src = parse(text)
    except (ContentError, FrontMatterError) as exc:
        errors.append(exc if isinstance(exc, ContentError)
                      else ContentError(rel, exc.line, "", exc.message))
        if invalid is not None:
            # Its id could not be read: ids are the file's name by convention, so references
            # to that name wait for this file's own error to be fixed instead of cascading.
            invalid.setdefault(Path(rel).stem, "")
        return None
    meta = dict(src.meta)
    folder = rel.split("/", 1)[0]
    if "kind" not in meta and folder in FOLDER_KINDS:
        meta["kind"] = FOLDER_KINDS[folder]
    if src.problems:
        errors.extend(ContentError(rel, line, ".".join(str(p) for p in path), message)
                      for path, line, message in src.problems)
        _remember_invalid(meta, invalid)  # with its kind, from its folder if need be
        return None
    kind = meta.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:
        allowed = "、".join(MODELS)
        errors.append(ContentError(rel, src.line_of(("kind",)), "kind",
                                   f"文档类型“{kind}”无效，应为：{allowed}（或放在对应文件夹里）"))
        return None
    model = MODELS[kind]
    try:
        doc = model.model_validate(meta)
    except ValidationError as exc:
        errors.extend(to_content_errors(exc, src, rel, list(model.model_fields)))
        _remember_invalid(meta, invalid)
        return None
    return Entry(doc, rel, path, src.body, src.body_line, src,
                 stat=(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))


def _remember_invalid(meta: dict[str, Any], invalid: dict[str, str] | None) -> None:
    if invalid is not None and isinstance(meta.get("id"), str):
        invalid[meta["id"]] = str(meta.get("kind"))


def load_corpus(docs_dir: Path, *, today: dt.date | None = None,
                limits: FileLimits | None = None, files: ContentFiles | None = None,
                between: Callable[[], None] | None = None) -> Corpus:
    """Read and validate every document under ``docs_dir``; never raises on content errors.

    Args:
        docs_dir: The content folder.
        today: The day policies' statuses are computed for (default: today).
        limits: File sizes and the folders links may lead to (see :mod:`.files`).
        files: The folder's walk when the caller made it already.
        between: Called every hundred files (``tongda serve`` stops a build there when the
            sources changed again); whatever it raises ends the loading.
    """
    corpus = Corpus(Path(docs_dir), today=today or dt.date.today())
    limits = limits or FileLimits()
    corpus.files = files if files is not None else scan(corpus.docs_dir, limits)
    corpus.errors.extend(corpus.files.errors)
    for n, (rel, path) in enumerate(corpus.files.markdown):
        if between is not None and n % 100 == 99:
            between()
        entry = read_entry(rel, path, corpus.errors, corpus.invalid_ids, limits)
        if entry is not None:
            _register(corpus, entry)
    _check_unique_doc_numbers(corpus)
    _resolve_references(corpus)
    _compute_status(corpus)
    return corpus


def _register(corpus: Corpus, entry: Entry) -> None:
    other = corpus.documents.get(entry.id)
    if other is not None:
        corpus.errors.append(ContentError(
            entry.src_path, entry.source.line_of(("id",)), "id",
            f"id“{entry.id}”重复：{other.src_path} 已经使用了它"))
        return
    corpus.documents[entry.id] = entry
    corpus.by_path[entry.src_path] = entry


def _check_unique_doc_numbers(corpus: Corpus) -> None:
    seen: dict[str, Entry] = {}
    for entry in corpus.documents.values():
        number = getattr(entry.meta, "doc_number", None)
        if not number:
            continue
        other = seen.setdefault(number, entry)
        if other is not entry:
            corpus.errors.append(ContentError(
                entry.src_path, entry.source.line_of(("doc_number",)), "doc_number",
                f"文号“{number}”重复：{other.src_path} 已经使用了它"))


def _resolve_references(corpus: Corpus) -> None:
    from .model import KIND_LABELS

    for entry in corpus.documents.values():
        for name, index, target, kinds in references(entry.meta):
            path: FieldPath = (*name.split("."), index)
            field_name = ".".join(str(p) for p in path)
            line = entry.source.line_of(path)
            other = corpus.documents.get(target)
            if other is None and target in corpus.invalid_ids:
                continue  # that file's own errors are reported already
            if other is None:
                corpus.errors.append(ContentError(
                    entry.src_path, line, field_name,
                    f"找不到 id 为“{target}”的文档{_suggest(corpus, target, kinds)}"))
                continue
            if kinds and other.kind not in kinds:
                wanted = "或".join(KIND_LABELS[k] for k in kinds)
                corpus.errors.append(ContentError(
                    entry.src_path, line, field_name,
                    f"“{target}”是{KIND_LABELS[other.kind]}，这里应引用{wanted}"))
                continue
            corpus.graph.add(entry.id, target, _EDGE_FIELDS[name],
                             where=f"{entry.src_path}:{line}")


def _suggest(corpus: Corpus, target: str, kinds: tuple[str, ...]) -> str:
    """``；是不是“passport-law”？`` — the nearest ids of a kind the field may refer to."""
    asked = corpus.memo.setdefault("suggestions", {})
    if len(asked) >= 200:  # each guess compares with every id: bound the cost of a bad import
        return ""
    key = (target, kinds)
    if key not in asked:
        ids = [i for i, e in corpus.documents.items() if not kinds or e.kind in kinds]
        # A file with errors of its own may be the one meant: its id is a guess too.
        ids += [i for i, kind in corpus.invalid_ids.items()
                if not kinds or kind in kinds or not kind]
        close = difflib.get_close_matches(target, ids, n=3, cutoff=0.7)
        if close:  # only those about as close as the closest: one good guess beats three
            best = difflib.SequenceMatcher(None, target, close[0]).ratio()
            close = [c for c in close
                     if difflib.SequenceMatcher(None, target, c).ratio() >= best - 0.1]
        asked[key] = "；是不是" + "或".join(f"“{c}”" for c in close) + "？" if close else ""
    return str(asked[key])


def _compute_status(corpus: Corpus) -> None:
    for edge in corpus.graph.edges:
        if edge.kind == "supersedes" and edge.target in corpus.documents:
            corpus.documents[edge.target].superseded_by.append(edge.source)
    for entry in corpus.documents.values():
        if isinstance(entry.meta, Policy):
            entry.status = policy_status(entry.meta, corpus.today, bool(entry.superseded_by))


def policy_status(meta: Policy, today: dt.date, superseded: bool) -> str:
    """The status people should see today: a declared status wins over dates."""
    if meta.status in ("draft", "consultation", "repealed", "amended"):
        return meta.status
    if meta.expires and meta.expires <= today:
        return "expired"
    if meta.status == "expired":
        return "expired"
    if superseded:
        return "superseded"
    if meta.effective and meta.effective > today:
        return "pending"
    return "effective"

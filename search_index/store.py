"""Hash-named, gzip-compressed JSON files and bucketed families of them.

A *family* maps keys to buckets (FNV-1a modulo a power of two); each bucket is one file
named by the hash of its content, so a file is never rewritten with other content and
a rebuild writes only the buckets whose content changed. Bucket names are listed in
*pages* of :data:`PAGE_SIZE` names, themselves hash-named, so the manifest stays small
however large the site grows.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search_index.text import fnv1a

try:  # compiled JSON: the index's twenty thousand files in a fifth of json's time
    import orjson
except ImportError:  # pragma: no cover - a runtime without the site extra
    orjson = None  # type: ignore[assignment]

#: Extension for our gzip files: not ``.gz`` so no server adds Content-Encoding to them.
EXT = ".tdz"
#: gzip level of the index's files: 9 took half as long again as 6 for 0.2 % less
#: (the corpus index: 35 MB either way).
GZIP_LEVEL = 6


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` aside and move it into place: a reader (another build
    sharing a cache, a build stopped half-way) finds the old file or the new one, never
    part of one. The temporary name is the process' and the thread's own; it is removed
    when writing fails. The folder must exist."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def link_file(src: Path | str, dest: Path | str) -> None:
    """Put the file ``src`` at ``dest`` as a hard link (our files are never rewritten in
    place, and a link appears whole to any reader); on a file system without links, a copy
    written aside and renamed. A ``dest`` already there is left: a name is its content.
    Raises FileNotFoundError when ``src`` is gone."""
    try:
        os.link(src, dest)
    except FileExistsError:
        pass
    except FileNotFoundError:
        raise
    except OSError:
        write_atomic(Path(dest), Path(src).read_bytes())


def write_new(dest: Path, data: bytes) -> None:
    """Write ``dest`` as a new file: one already there (a page served and refreshed in
    place, a file linked from a store) may be a link to a kept copy, which must keep its
    content, so it is replaced, never written into."""
    try:
        fh = open(dest, "xb")  # noqa: SIM115 - closed below
    except FileExistsError:
        os.unlink(dest)
        fh = open(dest, "xb")  # noqa: SIM115 - closed below
    with fh:
        fh.write(data)


class KeptFiles:
    """Site files kept by their content in a store folder between builds: a file with the
    bytes an earlier build wrote is linked from the store (one directory entry; creating
    and writing a file cost ten times as much on a busy disk), a new one is written and
    linked into the store. :meth:`prune` drops what this build did not use.

    Without a store (caches off) every file is written.
    """

    def __init__(self, store: Path | None) -> None:
        self.store = store
        self.linked = 0
        self.written = 0
        self._present: set[str] | None = None
        self._used: set[str] = set()

    def write(self, dest: Path, data: bytes) -> None:
        """Put ``data`` at ``dest`` (a new file in the build's own folder)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self.store is None:
            dest.write_bytes(data)
            self.written += 1
            return
        if self._present is None:
            self.store.mkdir(parents=True, exist_ok=True)
            self._present = set(os.listdir(self.store))
        name = hashlib.sha256(data).hexdigest()[:40]
        self._used.add(name)
        if name in self._present:
            try:
                os.link(self.store / name, dest)
                self.linked += 1
                return
            except OSError:  # another build pruned it, no links here, dest there: write it
                pass
        write_new(dest, data)
        self.written += 1
        with contextlib.suppress(OSError):  # a store that cannot be written costs only time
            link_file(dest, self.store / name)
            self._present.add(name)

    def prune(self) -> None:
        """Delete the stored files this build did not use."""
        if self.store is None or self._present is None:
            return
        for name in self._present - self._used:
            with contextlib.suppress(OSError):
                (self.store / name).unlink()


def read_kept(path: Path, version: str) -> dict[str, Any] | None:
    """What :func:`write_kept` kept at ``path`` for ``version``; None when there is none,
    it is damaged, or another version (of the code, of pypinyin) wrote it."""
    try:
        data = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache files
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError,
            ImportError, IndexError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("version") == version else None


def write_kept(path: Path, version: str, data: dict[str, Any]) -> None:
    """Keep ``data`` at ``path`` (a pickle, written atomically) for :func:`read_kept`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps({**data, "version": version},
                                    protocol=pickle.HIGHEST_PROTOCOL))


def json_bytes(obj: Any, *, sort_keys: bool = False, indent: bool = False,
               default: Callable[[Any], Any] | None = None) -> bytes:
    """UTF-8 JSON, Chinese unescaped: compact, or indented by two. orjson writes the bytes
    ``json`` writes for our data (the corpus index's 21,551 files, its 3,014 open data
    files), small floats aside (``0.00001`` for ``1e-05``: the same number), in a fifth of
    the time or less; what it does not take (keys that are not strings, integers past 64
    bits) goes to ``json``."""
    if orjson is not None:
        option = (orjson.OPT_SORT_KEYS if sort_keys else 0) | (orjson.OPT_INDENT_2 if indent else 0)
        try:
            return orjson.dumps(obj, default=default, option=option)
        except TypeError:
            pass
    return json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, default=default,
                      indent=2 if indent else None,
                      separators=None if indent else (",", ":")).encode()


def dumps(obj: Any) -> bytes:
    """Compact, deterministic JSON bytes (keys sorted): the index's files."""
    return json_bytes(obj, sort_keys=True)


class FileWriter:
    """Writes hash-named files into ``out_dir``, skipping files that already exist.

    Attributes:
        written: names of the files written by this writer.
        reused: names of the files that already existed with the same content.
    """

    def __init__(self, out_dir: Path, publish: Path | None = None) -> None:
        """``publish``: the build's own output folder beside ``out_dir``, a store other
        builds share. A new file is then written there and linked into the store (two
        file system operations, where writing the store aside, renaming and linking out
        took four: 21,551 files for the corpus)."""
        self.out_dir = out_dir
        self.publish = publish
        out_dir.mkdir(parents=True, exist_ok=True)
        if publish is not None:
            publish.mkdir(parents=True, exist_ok=True)
        self.written: list[str] = []
        self.reused: list[str] = []
        self.bytes_written = 0
        self._present: set[str] | None = None

    def has(self, name: str) -> bool:
        """Whether ``out_dir`` holds ``name`` (listed once: a store holds tens of thousands
        of files, and a check per file was most of a rebuild's index writing)."""
        if self._present is None:
            self._present = set(os.listdir(self.out_dir))
        return name in self._present

    def take(self, name: str) -> bool:
        """Count ``name`` as reused if ``out_dir`` holds it (a file named by its content
        is the same file); False when it is not there."""
        if not self.has(name):
            return False
        self.reused.append(name)
        return True

    def put(self, obj: Any, prefix: str = "") -> str:
        """Store ``obj`` as gzip JSON and return its file name (``<prefix><hash>.tdz``)."""
        raw = dumps(obj)
        name = prefix + hashlib.sha256(raw).hexdigest()[:12] + EXT
        if not self.take(name):
            data = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
            if self.publish is None:
                write_atomic(self.out_dir / name, data)
            else:
                self._publish_new(name, data)
            self._added(name, len(data))
        return name

    def _publish_new(self, name: str, data: bytes) -> None:
        """Write ``name`` into the build's folder, then link it into the store: the store
        shows it only once it is whole."""
        assert self.publish is not None
        mine = self.publish / name
        try:
            with open(mine, "xb") as fh:
                fh.write(data)
        except FileExistsError:  # there already: a name is its content
            pass
        link_file(mine, self.out_dir / name)

    def adopt(self, path: Path) -> str:
        """Take a file another writer produced (same naming); return its name."""
        if not self.take(path.name):
            target = self.out_dir / path.name
            link_file(path, target)
            self._added(path.name, target.stat().st_size)
        return path.name

    def _added(self, name: str, size: int) -> None:
        self.written.append(name)
        self.bytes_written += size
        assert self._present is not None  # listed by take()
        self._present.add(name)


def bucket_of(key: str, buckets: int) -> int:
    """Bucket number of ``key`` in a family of ``buckets`` buckets."""
    return fnv1a(key) % buckets


def bucket_count(total_entries: int, per_bucket: int, minimum: int = 16) -> int:
    """Smallest power of two giving at most ``per_bucket`` entries per bucket on average."""
    n = minimum
    while n * per_bucket < total_entries:
        n *= 2
    return n


def page_size(buckets: int) -> int:
    """Names per page: about the square root of the bucket count (at least 64).

    So both the manifest (pages) and a page (names) grow as the square root of the site.
    """
    size = 64
    while size * size < buckets:
        size *= 2
    return size


def write_family(
    writer: FileWriter, name: str, entries: dict[str, tuple[str, Any]], buckets: int
) -> dict[str, Any]:
    """Write a family and return its manifest entry.

    Args:
        writer: where files go.
        name: family name, used as file-name prefix.
        entries: ``entry name -> (bucket key, value)``.
        buckets: number of buckets (a power of two).

    Returns:
        ``{"b": buckets, "s": page size, "pages": [page file names]}``; a page lists the
        12-hex-digit hashes of its buckets ("" for an empty bucket): bucket ``i`` is the
        file ``<name>-<hash>.tdz``.
    """
    grouped: list[dict[str, Any]] = [{} for _ in range(buckets)]
    for entry, (key, value) in entries.items():
        grouped[bucket_of(key, buckets)][entry] = value
    hashes = [writer.put(g, name + "-")[len(name) + 1 : -len(EXT)] if g else "" for g in grouped]
    size = page_size(buckets)
    pages = [writer.put(hashes[i : i + size], "P" + name + "-") for i in range(0, buckets, size)]
    return {"b": buckets, "s": size, "pages": pages}


def read_file(path: Path) -> Any:
    """Read one of our gzip JSON files."""
    return json.loads(gzip.decompress(path.read_bytes()))

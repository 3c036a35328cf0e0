"""KeptFiles: site files kept by content between builds, linked when unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_index.store import KeptFiles

pytestmark = pytest.mark.unit


def test_an_unchanged_file_is_linked_from_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = KeptFiles(store)
    first.write(tmp_path / "a" / "x" / "doc.json", b'{"a":1}')
    first.write(tmp_path / "a" / "y.json", b'{"b":2}')
    assert (first.written, first.linked) == (2, 0)
    second = KeptFiles(store)
    second.write(tmp_path / "b" / "x" / "doc.json", b'{"a":1}')
    second.write(tmp_path / "b" / "y.json", b'{"b":3}')  # changed
    assert (second.written, second.linked) == (1, 1)
    assert (tmp_path / "b" / "x" / "doc.json").stat().st_ino == \
        (tmp_path / "a" / "x" / "doc.json").stat().st_ino
    assert (tmp_path / "b" / "y.json").read_bytes() == b'{"b":3}'
    assert (tmp_path / "a" / "y.json").read_bytes() == b'{"b":2}'  # the old site untouched
    second.prune()  # {"b":2} is no build's any more
    assert len(list(store.iterdir())) == 2


def test_a_stored_file_gone_meanwhile_is_written(tmp_path: Path) -> None:
    store = tmp_path / "store"
    KeptFiles(store).write(tmp_path / "a.json", b"[1]")
    later = KeptFiles(store)
    later.write(tmp_path / "other.json", b"[2]")  # lists the store
    for f in store.iterdir():  # another build pruned everything
        f.unlink()
    later.write(tmp_path / "b.json", b"[1]")
    assert (tmp_path / "b.json").read_bytes() == b"[1]"


def test_without_a_store_every_file_is_written(tmp_path: Path) -> None:
    kept = KeptFiles(None)
    kept.write(tmp_path / "d" / "a.json", b"{}")
    kept.prune()
    assert (tmp_path / "d" / "a.json").read_bytes() == b"{}" and kept.written == 1

"""The postings pipeline piece by piece, without building a site: term ids, the spill
partitions, the impacts a reader's ranking is made of, and the ``t`` family as the runtime
reads it back (documents in order, deltas, document frequencies), reused when unchanged."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index import postings
from search_index.analyze import CAPS, SHIFTS, _packed, pack
from search_index.postings import PARTITIONS, BucketWriter, PostingSpool, TermTable, impacts
from search_index.store import EXT, FileWriter, bucket_count
from search_index.text import fnv1a, term_key

pytestmark = pytest.mark.unit

WEIGHTS = (3.0, 6.0, 3.0, 1.0)
B = (0.75, 0.0, 0.3, 0.75)
AVG = [10.0, 4.0, 20.0, 1000.0]
TERMS = ["身份", "份证", "身份证", "护照", "居民", "app", "12345", "补领", "换领", "住房公积金"]


# ---------------------------------------------------------------------------- term table

def test_terms_get_dense_ids_in_first_seen_order_and_keep_them() -> None:
    table = TermTable()
    first = table.ids_of(["护照", "身份", "护照", "app"])
    assert first.tolist() == [0, 1, 0, 2]  # a term twice in one call is one term
    assert first.dtype == np.int32  # ids, not 64-bit numbers: a server keeps them between builds
    assert table.ids_of(["app", "新词", "身份"]).tolist() == [2, 3, 1]
    assert table.terms == ["护照", "身份", "app", "新词"]
    assert table.ids == {"护照": 0, "身份": 1, "app": 2, "新词": 3}


def test_a_term_is_hashed_by_its_bucket_key() -> None:
    table = TermTable()
    table.ids_of(TERMS)
    # CJK terms share the bucket of their first bigram (身份证 lies with 身份), latin ones not.
    assert table.hashes().tolist() == [fnv1a(term_key(t)) for t in TERMS]
    assert table.hashes()[2] == table.hashes()[0] == fnv1a("身份")
    assert table.hashes()[9] == fnv1a("住房")


def test_past_sixty_five_thousand_terms_every_hash_is_kept() -> None:
    table = TermTable()
    words = [f"w{i}" for i in range(70_000)]
    ids = table.ids_of(words)
    assert ids.tolist() == list(range(70_000))
    hashes = table.hashes()
    assert len(hashes) == 70_000
    for i in (0, 65_535, 65_536, 65_537, 69_999):
        assert hashes[i] == fnv1a(words[i])


# ------------------------------------------------------------------------------- spool

def _rows(spool: PostingSpool) -> list[tuple[int, int, int]]:
    out = []
    for p, part in enumerate(spool.partitions()):
        for term, seq, packed in part.tolist():
            # every row lies in the partition of its term's bucket hash
            assert int(spool.table.hashes()[term]) % PARTITIONS == p
            out.append((spool.table.terms[term], seq, packed))
    return out


docs_strategy = st.lists(
    st.dictionaries(st.sampled_from(TERMS), st.integers(1, 2**31), max_size=6),
    min_size=1, max_size=8)


@settings(max_examples=25, deadline=None)
@given(docs=docs_strategy, spill_rows=st.sampled_from([1, 2, 3, 5, 1_000_000]))
def test_every_posting_added_comes_back_once_spilled_or_not(
        docs: list[dict[str, int]], spill_rows: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(postings, "SPILL_ROWS", spill_rows)
        spool = PostingSpool()
        try:
            for seq, doc in enumerate(docs):
                spool.add(seq, list(doc), np.asarray(list(doc.values()), dtype=np.uint32))
            want = sorted((t, seq, p) for seq, doc in enumerate(docs) for t, p in doc.items())
            assert spool.total == len(want)
            assert sorted(_rows(spool)) == want
        finally:
            spool.close()


def test_a_document_without_terms_adds_no_posting() -> None:
    spool = PostingSpool()
    spool.add(0, [], np.asarray([], dtype=np.uint32))
    spool.add_ids(1, np.asarray([], dtype=np.int32), np.asarray([], dtype=np.uint32))
    assert spool.total == 0
    assert [len(p) for p in spool.partitions()] == [0] * PARTITIONS
    spool.close()


def test_rows_are_written_out_once_the_spill_size_is_reached(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory holds at most ``SPILL_ROWS`` rows: the document that reaches it goes to disk."""
    monkeypatch.setattr(postings, "SPILL_ROWS", 4)
    spool = PostingSpool()
    folder = Path(spool._dir.name)
    spool.add(0, ["护照", "身份"], np.asarray([1, 2], dtype=np.uint32))
    assert list(folder.iterdir()) == []  # two rows: still in memory
    spool.add(1, ["居民", "补领"], np.asarray([3, 4], dtype=np.uint32))
    assert sum(f.stat().st_size for f in folder.iterdir()) == 4 * 12  # four rows, 12 bytes each
    spool.add(2, ["换领"], np.asarray([5], dtype=np.uint32))
    assert sum(f.stat().st_size for f in folder.iterdir()) == 4 * 12  # the fifth waits
    assert sorted(_rows(spool)) == sorted([("护照", 0, 1), ("身份", 0, 2), ("居民", 1, 3),
                                           ("补领", 1, 4), ("换领", 2, 5)])
    spool.close()
    assert not folder.exists()


def test_a_spool_can_share_the_table_of_earlier_builds() -> None:
    table = TermTable()
    table.ids_of(["护照"])
    spool = PostingSpool(table)
    spool.add(0, ["身份", "护照"], np.asarray([7, 8], dtype=np.uint32))
    assert spool.table is table and table.terms == ["护照", "身份"]
    assert sorted(_rows(spool)) == [("护照", 0, 8), ("身份", 0, 7)]
    spool.close()


# ------------------------------------------------------------------------------ impacts

def _impact(freqs: list[int], lengths: list[float], title_len: int = 8,
            avg: list[float] | None = None) -> int:
    return int(impacts(np.asarray([pack(freqs)], dtype=np.uint32),
                       np.asarray([lengths], dtype=np.float64), avg or AVG,
                       np.asarray([title_len]), WEIGHTS, B, 1.2, CAPS, SHIFTS)[0])


def test_a_body_hit_of_average_length_scores_by_bm25_saturation() -> None:
    # tf = 1 * 1 / 1 (average length): 255 * 1 / 2.2 = 115.9 -> 116
    assert _impact([0, 0, 0, 1], [0, 0, 0, 1000]) == 116
    # twice the average length: norm = 0.25 + 0.75 * 2 = 1.75; tf = 0.571; 255*0.571/1.771 -> 82
    assert _impact([0, 0, 0, 1], [0, 0, 0, 2000]) == 82
    # three hits: tf = 3 -> 255 * 3 / 4.2 = 182.1
    assert _impact([0, 0, 0, 3], [0, 0, 0, 1000]) == 182


def test_each_field_has_its_weight_and_length_normalisation() -> None:
    # meta: weight 6, no length normalisation (b = 0): 255 * 6 / 7.2 = 212.5 -> 212
    assert _impact([0, 1, 0, 0], [0, 40, 0, 0]) == 212
    # head: weight 3, b = 0.3, length = average: 255 * 3 / 4.2 = 182.1
    assert _impact([0, 0, 1, 0], [0, 0, 20, 0]) == 182
    # head twice as long: norm 1.3, tf 2.3077 -> 255 * 2.3077 / 3.5077 = 167.8 -> 168
    assert _impact([0, 0, 1, 0], [0, 0, 40, 0]) == 168
    # two fields add up: body 1 + meta 6 = 7 -> 255 * 7 / 8.2 = 217.7 -> 218
    assert _impact([0, 1, 0, 1], [0, 4, 0, 1000]) == 218


def test_a_title_hit_carries_its_impact_and_the_title_length() -> None:
    # title weight 3 at average length: 182, stored as -(182 * 128 + 8)
    assert _impact([1, 0, 0, 0], [10, 0, 0, 0], title_len=8) == -(182 * 128 + 8)
    # the title length is kept within 1..127
    assert _impact([1, 0, 0, 0], [10, 0, 0, 0], title_len=0) == -(182 * 128 + 1)
    assert _impact([1, 0, 0, 0], [10, 0, 0, 0], title_len=127) == -(182 * 128 + 127)
    assert _impact([1, 0, 0, 0], [10, 0, 0, 0], title_len=500) == -(182 * 128 + 127)


def test_impacts_stay_within_one_and_255() -> None:
    # a huge body: tf tends to 0, the impact does not fall below 1
    assert _impact([0, 0, 0, 1], [0, 0, 0, 10**9]) == 1
    # many hits everywhere: 255 at most
    assert _impact([15, 15, 255, 65535], [1, 1, 1, 1]) == -(255 * 128 + 8)
    assert _impact([0, 15, 255, 65535], [0, 1, 1, 1]) == 255


def test_a_very_short_field_is_not_divided_by_less_than_a_tenth() -> None:
    short = impacts(np.asarray([pack([0, 0, 0, 1])], dtype=np.uint32),
                    np.asarray([[0, 0, 0, 0]], dtype=np.float64), AVG, np.asarray([5]),
                    WEIGHTS, (0.75, 0.0, 0.3, 0.95), 1.2, CAPS, SHIFTS)
    # an empty body with b = 0.95: norm 0.05, floored to 0.1: tf = 10 -> 255 * 10 / 11.2 = 227.7
    # -> 228 (unfloored: tf = 20 -> 241)
    assert short.tolist() == [228]


# --------------------------------------------------------------------- the t family

def _write(tmp: Path, docs: list[dict[str, int]], buckets: int = 16,
           new_id: list[int] | None = None, store: Path | None = None,
           df: dict[str, int] | None = None) -> tuple[dict, FileWriter]:
    spool = PostingSpool()
    for seq, doc in enumerate(docs):
        spool.add(seq, list(doc), np.asarray(list(doc.values()), dtype=np.uint32))
    writer = FileWriter(tmp)
    order = np.asarray(new_id if new_id is not None else range(len(docs)), dtype=np.int64)
    fam = postings.write_terms(
        spool, writer, store, buckets,
        lambda rows: rows["packed"].astype(np.int64) * 10 + rows["seq"],  # a visible impact
        order, lambda t: (df or {}).get(t, 0))
    spool.close()
    return fam, writer


def _read(tmp: Path, fam: dict) -> dict[str, list[int]]:
    """Every term of the family, as the runtime reads it (pages, then buckets)."""
    def load(name: str) -> Any:
        return json.loads(gzip.decompress((tmp / name).read_bytes()))

    out: dict[str, list[int]] = {}
    names: list[str] = []
    for page in fam["pages"]:
        names += load(page)
    assert len(names) == fam["b"]
    for b, h in enumerate(names):
        if h:
            bucket = load(f"t-{h}{EXT}")
            for term, plist in bucket.items():
                assert fnv1a(term_key(term)) % fam["b"] == b  # where the runtime looks
                out[term] = plist
    return out


def test_postings_are_read_back_with_document_deltas_and_frequencies(tmp_path: Path) -> None:
    docs = [{"护照": 1, "身份": 2}, {"护照": 3}, {"身份证": 4, "app": 5}, {"护照": 6}]
    fam, _ = _write(tmp_path, docs, new_id=[3, 0, 2, 1], df={"护照": 2, "身份证": 1})
    assert fam["b"] == 16 and fam["s"] == 64 and len(fam["pages"]) == 1
    assert fam["pages"][0].startswith("Pt-")
    assert _read(tmp_path, fam) == {
        # [word df, doc delta, impact, ...], documents ascending by their new number
        "护照": [2, 0, 31, 1, 63, 2, 10],  # seq 1 -> doc 0, seq 3 -> doc 1, seq 0 -> doc 3
        "身份": [0, 3, 20],
        "身份证": [1, 2, 42],
        "app": [0, 2, 52],
    }


@settings(max_examples=30, deadline=None)
@given(docs=st.lists(st.dictionaries(st.sampled_from(TERMS), st.integers(1, 50), max_size=5),
                     min_size=1, max_size=7),
       buckets=st.sampled_from([16, 32, 64, 128]), data=st.data())
def test_any_postings_come_back_as_written(tmp_path_factory: pytest.TempPathFactory,
                                           docs: list[dict[str, int]], buckets: int,
                                           data: st.DataObject) -> None:
    new_id = data.draw(st.permutations(range(len(docs))))
    tmp = tmp_path_factory.mktemp("t")
    fam, _ = _write(tmp, docs, buckets=buckets, new_id=list(new_id))
    expected: dict[str, list[int]] = {}
    for term in sorted({t for d in docs for t in d}):
        hits = sorted((new_id[s], d[term] * 10 + s) for s, d in enumerate(docs) if term in d)
        flat, prev = [0], 0
        for doc, value in hits:
            flat += [doc - prev, value]
            prev = doc
        expected[term] = flat
    assert _read(tmp, fam) == expected


def test_more_buckets_than_a_page_holds_are_listed_on_several_pages(tmp_path: Path) -> None:
    docs = [{f"w{i}": i + 1} for i in range(300)]
    fam, _ = _write(tmp_path, docs, buckets=bucket_count(300, 1))
    assert fam["b"] == 512 and fam["s"] == 64 and len(fam["pages"]) == 8
    read = _read(tmp_path, fam)
    assert len(read) == 300 and read["w299"] == [0, 299, 300 * 10 + 299]


def test_an_unchanged_bucket_keeps_its_file_and_a_changed_one_gets_a_new_one(
        tmp_path: Path) -> None:
    store = tmp_path / "store"
    docs = [{"护照": 1, "xyz": 2}, {"护照": 3, "身份": 4}]  # three buckets of 16
    first, w1 = _write(store, docs, store=store)
    t_files = sorted(n for n in w1.written if n.startswith("t-"))
    assert len(t_files) == 3 and w1.reused == []
    digests = json.loads((store / postings.DIGESTS).read_text("utf-8"))
    assert sorted(f"t-{n}{EXT}" for n in digests.values()) == t_files

    again, w2 = _write(store, docs, store=store)
    assert again == first
    assert sorted(n for n in w2.reused if n.startswith("t-")) == t_files
    assert [n for n in w2.written if n.startswith("t-")] == []

    # A document frequency changes one term's bucket only (the runtime reads it first).
    changed, w3 = _write(store, docs, store=store, df={"xyz": 9})
    assert len([n for n in w3.written if n.startswith("t-")]) == 1
    assert _read(store, changed)["xyz"] == [9, 0, 20]
    assert _read(store, changed)["护照"] == [0, 0, 10, 1, 31]


def test_a_bucket_whose_file_was_deleted_is_written_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    docs = [{"护照": 1}, {"app": 2}]
    _, w1 = _write(store, docs, store=store)
    gone = next(n for n in w1.written if n.startswith("t-"))
    (store / gone).unlink()
    fam, w2 = _write(store, docs, store=store)
    assert gone in w2.written and (store / gone).exists()
    assert _read(store, fam) == {"护照": [0, 0, 10], "app": [0, 1, 21]}


def test_an_unreadable_digest_list_only_costs_encoding_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    docs = [{"护照": 1}]
    _write(store, docs, store=store)
    (store / postings.DIGESTS).write_text("{not json", "utf-8")
    fam, w = _write(store, docs, store=store)
    assert _read(store, fam) == {"护照": [0, 0, 10]}
    assert [n for n in w.written if n.startswith("t-")] == []  # the same file, already there
    assert len(json.loads((store / postings.DIGESTS).read_text("utf-8"))) == 1


def test_without_a_store_no_digest_list_is_kept(tmp_path: Path) -> None:
    fam, _ = _write(tmp_path, [{"护照": 1}])
    assert not (tmp_path / postings.DIGESTS).exists()
    assert _read(tmp_path, fam) == {"护照": [0, 0, 10]}


def test_a_bucket_writer_reads_and_saves_its_digests(tmp_path: Path) -> None:
    writer = FileWriter(tmp_path)
    out = BucketWriter(writer, tmp_path)
    assert out.known == {} and out.path == tmp_path / postings.DIGESTS
    name = out.bucket(["护照"], lambda: {"护照": [1, 0, 5]}, b"digest")
    assert (tmp_path / f"t-{name}{EXT}").exists()
    out.save()
    saved = json.loads((tmp_path / postings.DIGESTS).read_text("utf-8"))
    assert list(saved.values()) == [name] and len(next(iter(saved))) == 32
    again = BucketWriter(FileWriter(tmp_path), tmp_path)
    assert again.known == saved
    calls: list[int] = []

    def rows() -> dict[str, list[int]]:
        calls.append(1)
        return {}

    assert again.bucket(["护照"], rows, b"digest") == name
    assert calls == [] and again.writer.reused == [f"t-{name}{EXT}"]
    assert BucketWriter(writer, None).path is None


_FREQ = st.sampled_from([0, 1, 2, 14, 15, 16, 254, 255, 256, 65535, 65536, 10**6])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from([f"t{i}" for i in range(12)]), _FREQ,
                                max_size=12), min_size=4, max_size=4))
def test_a_documents_terms_are_packed_as_pack_packs_each(fields: list[dict[str, int]]) -> None:
    """The whole document's packing (written out for speed) is pack() of every term's four
    field frequencies, caps included, for every term of any field and no other."""
    assert _packed(fields) == {t: pack([f.get(t, 0) for f in fields])
                               for t in set().union(*fields)}

"""The vocabulary families written with readings and keys kept between builds: the same
families as worked out afresh, and the chr family's files taken over only while stored."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from search_index.store import FileWriter
from search_index.vocab import PinyinMemo, Vocabulary, write_families

pytestmark = pytest.mark.unit


def _vocab() -> Vocabulary:
    vocab = Vocabulary()
    vocab.word_df = Counter({"护照": 5, "身份证": 4, "补领": 3, "居住证": 2, "社保卡": 2,
                             "重庆": 2, "银行": 3, "ETC": 2})
    vocab.title_df = Counter({"护照": 1, "居住证": 1})
    for t in ("中华人民共和国护照法", "居住证暂行条例", "社保卡补领"):
        vocab.add_title(t)
    return vocab


def test_kept_keys_and_chr_family_give_the_families_worked_out_afresh(tmp_path: Path) -> None:
    memo_path = tmp_path / "pinyin.pickle"
    fresh = write_families(FileWriter(tmp_path / "fresh"), _vocab(), 10)
    memo = PinyinMemo(memo_path)
    first = write_families(FileWriter(tmp_path / "store"), _vocab(), 10, memo)
    memo.save()
    kept = PinyinMemo(memo_path)
    assert kept.keys and kept.chr is not None  # read back
    writer = FileWriter(tmp_path / "store")
    again = write_families(writer, _vocab(), 10, kept)
    assert again == first == fresh
    chr_files = kept.chr[1]
    assert chr_files and set(chr_files) <= set(writer.reused)  # linked into the site
    other = FileWriter(tmp_path / "empty")  # a store without the files: written again
    assert write_families(other, _vocab(), 10, PinyinMemo(memo_path)) == fresh
    assert set(chr_files) <= set(other.written)

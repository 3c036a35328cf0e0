"""The pinyin of titles, kept between builds for the A–Z index and facet order: the same
readings as pypinyin's, read back instead of worked out, and only this build's kept."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin

from site_builder.plugins.core import listings
from site_builder.plugins.core.listings import Readings

pytestmark = pytest.mark.unit

TITLES = ["中华人民共和国居民身份证法", "护照补领", "重庆市养犬管理条例", "ETC 办理", "行政许可法"]


def test_readings_are_pypinyins_and_come_back_from_the_file(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "pinyin-titles.pickle"
    first = Readings(path)
    assert [first(t) for t in TITLES] == [lazy_pinyin(t) for t in TITLES]
    first.save()
    calls: list[str] = []
    def worked_out(text: str) -> list[str]:
        calls.append(text)
        return ["x"]

    monkeypatch.setattr(listings, "lazy_pinyin", worked_out)
    again = Readings(path)
    assert [again(t) for t in TITLES] == [lazy_pinyin(t) for t in TITLES]
    assert calls == []  # read back, not worked out
    assert again("新标题") == ["x"] and calls == ["新标题"]


def test_only_the_readings_a_build_used_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "pinyin-titles.pickle"
    first = Readings(path)
    for t in TITLES:
        first(t)
    first.save()
    second = Readings(path)
    second(TITLES[0])
    second.save()
    kept = pickle.loads(path.read_bytes())  # noqa: S301 - the test's own file
    assert set(kept["readings"]) == {TITLES[0]}


def test_readings_of_another_pypinyin_or_a_broken_file_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "pinyin-titles.pickle"
    path.write_bytes(pickle.dumps({"version": "0.0", "readings": {"护照补领": ["wrong"]}}))
    assert Readings(path)("护照补领") == lazy_pinyin("护照补领")
    path.write_bytes(b"not a pickle")
    assert Readings(path)("护照补领") == lazy_pinyin("护照补领")

"""The sensitive-word filter: listed words through spacing, punctuation and full-width forms,
personal data by pattern, spans in the original text, and the demo list itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.runtime.wordfilter import PERSONAL, WordFilter, parse

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]


def test_words_are_found_through_spaces_punctuation_width_and_case() -> None:
    words = WordFilter([("广告", "加微信"), ("广告", "VIP代理")])
    text = "欢迎加 微·信咨询，ｖｉｐ 代理优惠"
    found = words.find(text)
    assert [(f.category, f.word, text[f.start:f.end]) for f in found] == [
        ("广告", "加微信", "加 微·信"), ("广告", "VIP代理", "ｖｉｐ 代理")]
    assert words.mask(text) == "欢迎＊＊＊＊＊咨询，＊＊＊＊＊＊优惠"


def test_personal_data_is_found_by_pattern_and_nothing_else_is() -> None:
    words = WordFilter([])
    text = "请联系13812345678或 lao.wang@example.com，身份证390102193603040028。人均收入12000元。"
    found = [(f.word, text[f.start:f.end]) for f in words.find(text)]
    assert found == [("手机号码", "13812345678"), ("电子邮箱", "lao.wang@example.com"),
                     ("身份证号", "390102193603040028")]
    assert all(f.category == PERSONAL for f in words.find(text))
    assert words.find("建议把床位补助提高到每张1.5万元，并延长到2028年。") == []


def test_the_list_format_and_the_demo_list() -> None:
    assert parse("# 注释\n词一\n[辱骂]\n词二\n\n[]\n词三\n") == [
        ("其他", "词一"), ("辱骂", "词二"), ("其他", "词三")]
    demo = WordFilter.from_file(ROOT / "content/_data/sensitive-words.txt")
    assert demo.size >= 10
    assert [f.category for f in demo.find("有需要的加我微 信，代开发 票")] == ["广告", "广告"]


def test_the_list_is_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = tmp_path / "words.txt"
    listed.write_text("[违法]\n办假证\n", encoding="utf-8")
    monkeypatch.setenv("TONGDA_SENSITIVE_WORDS", str(listed))
    assert [f.word for f in WordFilter.from_env().find("专业办 假证")] == ["办假证"]
    monkeypatch.setenv("TONGDA_SENSITIVE_WORDS", str(tmp_path / "missing.txt"))
    with pytest.raises(FileNotFoundError):
        WordFilter.from_env()

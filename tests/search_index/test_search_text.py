from __future__ import annotations

import pytest

from search_index.text import bigrams, docnum_key, docnum_keys, fnv1a, normalize, runs, term_key

pytestmark = pytest.mark.unit


def test_normalize_folds_full_width_and_case() -> None:
    assert normalize("ＳＨＥＮ  Fen\u3000证") == "shen fen 证"


def test_runs_split_cjk_from_latin_and_drop_punctuation() -> None:
    assert runs(normalize("北京 停车，app2024！")) == ["北京", "停车", "app2024"]


def test_bigrams_of_a_run_and_a_single_character() -> None:
    assert bigrams("身份证") == ["身份", "份证"]
    assert bigrams("税") == ["税"]


@pytest.mark.parametrize("text", ["国办函〔2018〕71号", "国办函[2018]71号", "国办函（2018）第71号",
                                  "查 国办函 [2018] 71 号 的文件", "国办函 〔2018〕 71号"])
def test_document_number_spellings_share_one_key(text: str) -> None:
    assert docnum_key(text) == "国办函〔2018〕71号"


def test_words_glued_before_a_number_leave_shorter_readings_to_try() -> None:
    assert "国办函〔2018〕71号" in docnum_keys("查国办函[2018]71号")


def test_order_numbers_are_document_numbers_too() -> None:
    assert docnum_key("国务院令第350号") == "国务院令第350号"
    assert docnum_key("住房公积金") is None


def test_words_share_the_bucket_key_of_their_first_bigram() -> None:
    assert term_key("住房公积金") == "住房"
    assert term_key("app") == "app"
    assert fnv1a("住房") == fnv1a(term_key("住房公积金"))
    assert fnv1a("a") == 0xE40C292C  # the published FNV-1a test vector

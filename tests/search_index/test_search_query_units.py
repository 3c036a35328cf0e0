"""Query understanding step by step, over a tiny hand-made index: pinyin folding and
cutting, synonyms and stop phrases, question types, when a bigram is a word, which
characters are suspected typos, pinyin and initials to Chinese, task verbs in pinyin."""
from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index.lexicon import build_lexicon
from search_index.query import (
    find_cue,
    first_pass,
    fuzzy,
    is_word,
    known_word,
    longest_at,
    mark_optional,
    pair_keys,
    phrase_terms,
    pinyin_cuts,
    pinyin_pair,
    pinyin_parse,
    pinyin_words,
    prepare_lexicon,
    readings,
    refine_text,
    split_run,
    suspicious,
    term_df,
    text_terms,
    understand,
    verb_split,
)
from search_index.text import term_key

pytestmark = pytest.mark.unit

LEX = prepare_lexicon(build_lexicon(None))
SYL = LEX["_syl"]


def plist(word_df: int, docs: int) -> list[int]:
    """Postings of a term: its word count, then ``docs`` (delta, impact) pairs."""
    return [word_df] + [1, 100] * docs


TERMS: dict[str, list[int]] = {
    "身份": plist(5, 6), "份证": plist(0, 6), "身份证": plist(5, 5), "身份证明": plist(1, 1),
    "护照": plist(4, 4), "被子": plist(2, 10), "被告": plist(2, 11), "子多": plist(0, 1),
    "公积": plist(0, 3), "积金": plist(0, 3), "公积金": plist(3, 3), "app": plist(1, 2),
    "住房": plist(3, 3), "房公": plist(0, 3),
}
FAMILIES: dict[str, dict[str, Any]] = {
    "t": TERMS,
    "chr": {"份": "fen bin", "分": "fen", "证": "zheng", "正": "zheng", "身": "shen juan",
            "已": "yi", "己": "ji", "巳": "si"},
    "py": {"huzhao": [["护照", 40]], "zhufang": [["住房", 30]], "gongjijin": [["公积金", 20]],
           "shenfenzheng": [["身份证", 50], ["身份正", 1]]},
    "pyi": {"hz": [["护照", 40], ["户主", 5]], "sfz": [["身份证", 50]],
            "zf": [["住房", 30], ["政府", 20], ["支付", 10], ["转发", 3]],
            "gjj": [["公积金", 20]]},
}


def bucket(fam: str, key: str) -> dict:
    table = FAMILIES.get(fam, {})
    if fam == "t":  # a term's bucket holds every term sharing its key (身份证 with 身份)
        return {t: v for t, v in table.items() if term_key(t) == term_key(key)}
    return {key: table[key]} if key in table else {}


@pytest.mark.parametrize(("syllable", "folded"), [
    ("zhang", "zan"), ("chi", "ci"), ("shi", "si"), ("li", "ni"), ("leng", "nen"),
    ("ying", "yin"), ("ang", "an"), ("ong", "ong"), ("ng", "ng"), ("z", "z"), ("lv", "nv"),
    ("hong", "hong"), ("sheng", "sen"), ("lang", "nan"), ("can", "can"), ("zi", "zi"),
])
def test_pinyin_folding(syllable: str, folded: str) -> None:
    assert fuzzy(syllable) == folded


def test_longest_entry_at_a_position() -> None:
    table = {"身份", "身份证", "证明", "明"}
    assert longest_at("居民身份证明", 2, table, 3, 1) == "身份证"
    assert longest_at("居民身份证明", 2, table, 2, 1) == "身份"
    assert longest_at("居民身份证明", 4, table, 3, 1) == "证明"
    assert longest_at("居民身份证明", 5, table, 3, 1) == "明"  # up to the end of the text
    assert longest_at("居民身份证明", 5, table, 3, 2) == ""
    assert longest_at("居民身份证明", 0, table, 3, 1) == ""


def test_a_run_is_cut_into_synonyms_and_text_and_stop_phrases_are_dropped() -> None:
    lex = prepare_lexicon({**LEX, "syn": {"出国": ["护照"], "低保": ["最低生活保障"],
                                          "身份证到期": ["换领"]}})
    assert split_run("我要出国怎么办", lex) == [("syn", "出国")]
    assert split_run("申请低保的条件", lex) == [("text", "申请"), ("syn", "低保"),
                                                ("text", "的条件")]
    assert split_run("身份证到期了", lex) == [("syn", "身份证到期"), ("text", "了")]
    assert split_run("请问护照", lex) == [("text", "护照")]
    assert split_run("护照", lex) == [("text", "护照")]


def test_pinyin_is_recognised_and_cut_into_the_fewest_syllables() -> None:
    assert pinyin_parse("zhufanggongjijin", SYL)
    assert pinyin_parse("zhuang", SYL)  # six letters: the longest syllable
    assert pinyin_parse("xian", SYL)
    assert not pinyin_parse("abc", SYL)
    assert not pinyin_parse("zhufangx", SYL)
    assert pinyin_cuts("zhufanggongjijin", SYL) == [0, 3, 7, 11, 13, 16]
    assert pinyin_cuts("xian", SYL) == [0, 4]  # one syllable, not xi + an
    assert pinyin_cuts("zhuang", SYL) == [0, 6]
    assert pinyin_cuts("xianggang", SYL) == [0, 5, 9]
    assert pinyin_cuts("abc", SYL) == []
    assert pinyin_cuts("a", SYL) == [0, 1]


def test_the_question_type_is_the_longest_cue_and_ties_go_by_name() -> None:
    lex = {"cues": {"b": ["办理", "申请"], "a": ["补贴"], "c": ["怎么申请"]}}
    assert find_cue("办理补贴", lex) == "a"  # both two characters: a before b
    assert find_cue("怎么申请补贴", lex) == "c"
    assert find_cue("申请 补贴", lex) == "a"
    assert find_cue("补贴", lex) == ""  # the whole query is its topic
    assert find_cue("补 贴", lex) == ""
    assert find_cue("护照", lex) == ""
    assert find_cue("护照", {"cues": {"x": [""]}}) == ""


def test_the_terms_of_a_chunk_are_its_bigrams_and_the_words_inside_it() -> None:
    assert text_terms("证", bucket) == ["证"]
    assert text_terms("身份证", bucket) == ["身份", "份证", "身份证"]
    assert text_terms("居民身份证", bucket) == ["居民", "民身", "身份", "份证", "身份证"]
    assert text_terms("身份证明", bucket) == ["身份", "份证", "证明", "身份证", "身份证明"]
    assert phrase_terms("护照 app 护照", bucket) == ["护照", "app"]
    assert phrase_terms("住房公积金", bucket) == ["住房", "房公", "公积", "积金", "公积金"]


def test_document_counts_and_known_words() -> None:
    assert term_df("身份证", bucket) == 5
    assert term_df("没有", bucket) == 0
    assert known_word("身份证明", bucket)  # 3+ characters in the index
    assert known_word("护照", bucket)  # a word jieba cut at least once
    assert not known_word("份证", bucket)  # a bigram only
    assert not known_word("没有", bucket)


def test_a_bigram_is_a_word_when_jieba_cut_it_often_enough() -> None:
    assert is_word("被子", bucket)  # cut 2 times in 10 documents: 20 %
    assert not is_word("被告", bucket)  # 2 of 11: less than 20 %
    assert not is_word("子多", bucket)
    assert not is_word("没有", bucket)
    one = {"t": {"被单": [1, 1, 100]}}
    assert not is_word("被单", lambda f, k: one[f])  # once is not enough


def test_single_stop_characters_go_unless_they_belong_to_a_word() -> None:
    assert refine_text("房子被拆迁", LEX, bucket) == ["房子", "拆迁"]
    assert refine_text("被子多少钱", LEX, bucket) == ["被子多少钱"]  # 被子 is a word
    assert refine_text("买被子", LEX, bucket) == ["买被子"]
    assert refine_text("的护照吗", LEX, bucket) == ["护照"]
    assert refine_text("吗", LEX, bucket) == []


def test_readings_and_the_syllable_pairs_a_typo_is_looked_up_by() -> None:
    assert readings("份", LEX, bucket) == ["fen", "bin"]
    assert readings("无", LEX, bucket) == []
    assert pair_keys("身", "分", LEX, bucket) == ["sen fen", "juan fen"]
    # a similar-shape character brings its own readings (己 looks like 已 and 巳)
    assert pair_keys("己", "证", LEX, bucket) == ["ji zen", "yi zen", "si zen"]


def test_suspected_typos_are_the_rare_bigrams() -> None:
    assert suspicious("身份证", bucket, 20) == []
    assert suspicious("身分证", bucket, 20) == [0, 1]
    assert suspicious("证", bucket, 20) == []
    # with 3000 documents a bigram in up to 3 is suspicious
    assert suspicious("公积金", bucket, 3000) == [0, 1]
    assert suspicious("公积金", bucket, 2999) == []
    assert suspicious("身份证", bucket, 5999) == []
    assert suspicious("身份证", bucket, 6000) == [0, 1]
    assert suspicious("身份证明", bucket, 20) == [2]
    # three characters that are no word of the site: the rarest bigram at least
    assert suspicious("住房公", bucket, 20) == [0]


def test_pinyin_and_initials_become_the_sites_words() -> None:
    assert pinyin_words("huzhao", LEX, bucket) == [["护照", 40]]
    assert pinyin_words("hz", LEX, bucket) == [["护照", 40], ["户主", 5]]
    assert pinyin_words("zf", LEX, bucket) == [["住房", 30], ["政府", 20], ["支付", 10]]
    assert pinyin_words("sfz", LEX, bucket) == [["身份证", 50]]
    assert pinyin_words("shenfenzheng", LEX, bucket) == [["身份证", 50], ["身份正", 1]]
    assert pinyin_words("zhufanggongjijin", LEX, bucket) == [["住房公积金", 20]]
    assert pinyin_words("hz2", LEX, bucket) == []
    assert pinyin_words("qqqq", LEX, bucket) == []
    assert pinyin_pair("zhufanggongjijin", LEX, bucket) == [["住房公积金", 20]]
    assert pinyin_pair("huzhao", LEX, bucket) == []


def test_a_task_verb_typed_before_its_object() -> None:
    assert verb_split("banhuzhao", LEX, bucket) == ("办", [["护照", 40]])
    assert verb_split("banlihuzhao", LEX, bucket) == ("办理", [["护照", 40]])
    assert verb_split("bansfz", LEX, bucket) == ("办", [["身份证", 50]])
    assert verb_split("banzhufanggongjijin", LEX, bucket) == ("办", [["住房公积金", 20]])
    assert verb_split("banh", LEX, bucket) == ("", [])  # one letter is no object
    assert verb_split("huzhao", LEX, bucket) == ("", [])
    assert verb_split("banqqqq", LEX, bucket) == ("", [])


def test_single_characters_beside_longer_words_are_optional() -> None:
    def c(text: str, alts: int = 1) -> dict[str, Any]:
        return {"text": text, "alts": [{}] * alts}

    marked = mark_optional([c("换"), c("身份证"), c("补", 2)])
    assert [x.get("opt") for x in marked] == [1, None, None]
    assert [x.get("opt") for x in mark_optional([c("换"), c("税")])] == [None, None]


def test_the_lexicon_gets_its_lookup_sets() -> None:
    lex = prepare_lexicon({"stop": ["的", "我要", "怎么办理"], "syn": {"出国": [], "低保": []},
                           "syl": "a ba"})
    assert lex["_stopset"] == {"的", "我要", "怎么办理"}
    assert lex["_stop1"] == {"的"}
    assert lex["_stopmax"] == 4 and lex["_synmax"] == 2
    assert lex["_syl"] == {"a", "ba"}
    assert lex["verbs"] == {} and lex["boost"] == {}
    empty = prepare_lexicon({"stop": [], "syn": {}, "syl": "", "verbs": {"ban": "办"}})
    assert empty["_stopmax"] == 1 and empty["_synmax"] == 1 and empty["verbs"] == {"ban": "办"}


def test_the_first_pass_needs_only_the_lexicon() -> None:
    lex = prepare_lexicon({**LEX, "syn": {"出国": ["护照"], "app": ["应用"]}})
    out = first_pass("我要出国 APP 国办函〔2011〕15号", lex)
    assert out["norm"] == "我要出国 app 国办函〔2011〕15号"
    assert out["cue"] == "service"
    assert out["docnum"] == ["国办函〔2011〕15号", "办函〔2011〕15号"]
    assert out["pieces"] == [("syn", "出国"), ("syn", "app"), ("text", "国办函"),
                             ("latin", "2011"), ("latin", "15"), ("text", "号")]


def test_a_plan_from_pinyin_initials_and_a_verb() -> None:
    plan = understand("banhuzhao", LEX, bucket, 20)
    assert plan["shown"] == "办护照" and plan["cue"] == "service"
    assert [(c["text"], c.get("opt"), [(a["text"], a["w"]) for a in c["alts"]])
            for c in plan["concepts"]] == [("banhuzhao", None, [("护照", 1.0)]),
                                           ("办", 1, [("办", 1.0)])]
    plan = understand("zf", LEX, bucket, 20)
    assert [(a["text"], a["w"]) for a in plan["concepts"][0]["alts"]] == [
        ("住房", 1.0), ("政府", 0.5), ("支付", 0.5)]
    assert plan["shown"] == "住房" and plan["cue"] == ""
    plan = understand("app", LEX, bucket, 20)  # a word of the site stays itself
    assert plan["shown"] == "" and [a["text"] for a in plan["concepts"][0]["alts"]] == ["app"]
    assert understand("", LEX, bucket, 20)["concepts"] == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="zhcsngaileoubfjqxyw", min_size=1, max_size=18))
def test_pinyin_cuts_are_syllables_and_agree_with_parsing(s: str) -> None:
    cuts = pinyin_cuts(s, SYL)
    assert bool(cuts) == pinyin_parse(s, SYL)
    if cuts:
        assert cuts[0] == 0 and cuts[-1] == len(s)
        assert all(s[a:b] in SYL for a, b in pairwise(cuts))

"""The quality rules' per-body facts kept between runs: a run with the memo finds what a
run without it finds, and computes again only what an edited body needs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from site_builder.quality import context as context_mod
from site_builder.quality import rules_completeness, rules_uniqueness, run_rules
from tests.site_builder.quality.quality_kit import clean_docs, write

pytestmark = pytest.mark.unit


def _docs() -> Any:
    """The clean documents plus one finding for each rule that uses the memo."""
    docs = copy.deepcopy(clean_docs())
    meta, body = docs["policies/p-main.md"]
    twin = dict(meta, id="p-twin", title="临江市高校毕业生就业补贴办法（重复）",
                doc_number="临政发〔2023〕6号")
    docs["policies/p-twin.md"] = (twin, body)  # duplicate-body
    faq_meta, _ = docs["faqs/f-main.md"]
    docs["faqs/f-main.md"] = (faq_meta, "## 回答\n\n很短。\n")  # body-empty
    i_meta, i_body = docs["interpretations/i-main.md"]
    docs["interpretations/i-main.md"] = (i_meta, i_body + "\n见[总则](../policies/p-main.md#nowhere)。\n")
    return docs


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"scan": 0, "chars": 0, "fingerprint": 0}

    def wrap(module: Any, name: str, key: str) -> None:
        real = getattr(module, name)

        def counting(*args: Any) -> Any:
            calls[key] += 1
            return real(*args)
        monkeypatch.setattr(module, name, counting)

    wrap(context_mod, "scan", "scan")
    wrap(rules_completeness, "_chars", "chars")
    wrap(rules_uniqueness, "fingerprint", "fingerprint")
    return calls


def _found(result: Any) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.path, f.line, f.message) for f in result.findings]


def test_the_memo_finds_the_same_and_computes_only_what_changed(
        tmp_path: Path, counted: dict[str, int]) -> None:
    docs = _docs()
    corpus = write(tmp_path / "content", docs)
    plain = _found(run_rules(corpus, citations=[]))
    assert {"duplicate-body", "body-empty"} <= {r for r, *_ in plain}, plain
    memo = tmp_path / "memo"
    first = _found(run_rules(corpus, citations=[], memo_dir=memo))
    assert first == plain
    done = dict(counted)
    assert all(done.values()), done

    again = _found(run_rules(corpus, citations=[], memo_dir=memo))
    assert again == plain
    assert counted == done  # nothing computed again

    meta, body = docs["faqs/f-main.md"]
    docs["faqs/f-main.md"] = (meta, body + "\n补充：现在这条回答已经有了足够长的正文内容。\n")
    edited = write(tmp_path / "content", docs)
    before = dict(counted)
    after = _found(run_rules(edited, citations=[], memo_dir=memo))
    assert {k: counted[k] - before[k] for k in counted} == {
        "scan": 1, "chars": 1, "fingerprint": 1}  # the edited FAQ's facts only
    assert after == _found(run_rules(edited, citations=[]))
    assert "body-empty" not in {r for r, *_ in after}

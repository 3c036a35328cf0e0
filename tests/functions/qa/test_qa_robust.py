"""Any question at all gets a well-formed answer (or a polite refusal), never an error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qa_testlib import QUESTIONS

from functions.qa import evaluate
from functions.qa.answer import Answerer, Refused
from functions.qa.schemas import AskOut

pytestmark = pytest.mark.integration
SEEDS = [i["q"] for i in evaluate.load(QUESTIONS)]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
question = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.one_of(CJK, st.sampled_from("abcdefghijklmnopqrstuvwxyz 0123456789，？。")),
            min_size=1, max_size=40),
    st.tuples(st.sampled_from(SEEDS), st.text(max_size=8), st.sampled_from(SEEDS)).map("".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=question)
def test_any_question_is_answered_in_the_published_shape(answerer: Answerer, q: str) -> None:
    try:
        res = answerer.ask(q)
    except Refused:
        return
    AskOut.model_validate(res)
    assert not (res.get("clarify") and res.get("fallback"))
    assert all(a["url"].startswith("/") for a in res["answers"])

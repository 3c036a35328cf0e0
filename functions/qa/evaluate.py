"""Scoring the function against a question set (used by the tests and ``bench/qa.py``).

A question set is a YAML list of ``{q, kind, expect: [...]}`` (see
``tests/functions/qa/questions.yml``). A question is answered right when its outcome is
one of ``expect``: a page id (the first answer is that page, no fallback), ``clarify``,
``fallback``, ``complaint`` (the 随手拍 form first) or ``refuse``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .answer import Refused


def load(path: Path) -> list[dict[str, Any]]:
    """The questions of a set."""
    items = yaml.safe_load(path.read_text("utf-8"))
    return [{"q": str(i["q"]), "kind": str(i.get("kind", "")),
             "expect": [str(e) for e in i["expect"]]} for i in items]


def outcome(ask: Callable[[str], dict[str, Any]], q: str) -> tuple[str, dict[str, Any] | None]:
    """What the function did with a question: ``refuse``, ``complaint``, ``fallback``,
    ``clarify``, the first answer's id, or ``none`` (no answer at all)."""
    try:
        res = ask(q)
    except Refused:
        return "refuse", None
    answers = res.get("answers") or []
    if answers and answers[0]["kind"] == "complaint":
        return "complaint", res
    if res.get("fallback"):
        return "fallback", res
    if res.get("clarify"):
        return "clarify", res
    return (answers[0]["id"] if answers else "none"), res


def right(item: dict[str, Any], got: str, res: dict[str, Any] | None) -> bool:
    """Whether the outcome is one the question accepts.

    A clarifying question counts for a page id too when that page is among its choices
    and the first answer is that page (the answer was there, the robot also asked).
    """
    if got in item["expect"]:
        return True
    if got == "clarify" and res is not None:
        return res["answers"][0]["id"] in item["expect"]
    return False


def score(ask: Callable[[str], dict[str, Any]], items: list[dict[str, Any]]
          ) -> list[tuple[dict[str, Any], str, bool]]:
    """Each question with its outcome and whether it was right."""
    out = []
    for item in items:
        got, res = outcome(ask, item["q"])
        out.append((item, got, right(item, got, res)))
    return out

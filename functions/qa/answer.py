"""Answering a question: the site's own search, then what to say about its first result.

No HTTP here. :class:`Answerer` asks the search's Python runtime (the ranking the search
page uses, so the robot's first answer is the search's first result) and decides:

- **refuse** politely when the question holds listed sensitive words (:class:`Refused`;
  the text is never stored or logged, only that a question was refused and why);
- **complaint**: a complaint (投诉, 举报…, or a question naming one of the 随手拍 problems
  such as 路灯不亮) leads to the complaint form, unless the question is one the portal
  already answers (老板拖欠工资去哪里投诉 has its FAQ);
- **fallback** ("暂时回答不了") when the first result does not cover what was asked
  (:func:`confidence`): the answers stay listed as "may be related", and the asker is
  offered to submit the question to a person;
- **clarify** when the best answers are close and of different kinds (办理 or 了解政策?);
- otherwise the answer first: title, link, an excerpt of the page's own text, and for a
  service guide its key facts and next steps.
"""

from __future__ import annotations

import html
import logging
import math
import re
from typing import Any

from functions.runtime.wordfilter import PERSONAL, WordFilter
from search_index.asks import alias_pieces, ask_scores, keys_of, query_keys
from search_index.query import is_word
from search_index.runtime import Searcher

from .evidence import confidence
from .site import Site, SiteData

log = logging.getLogger("tongda.qa")

KIND_LABELS = {"policy": "政策文件", "interpretation": "政策解读", "service": "办事指南",
               "faq": "常见问题", "topic": "专题", "scenario": "政务一站通",
               "complaint": "随手拍"}
#: What the asker would do with each kind of page, for the clarifying question's choices.
CHOICE_VERBS = {"service": "办理", "scenario": "办理", "faq": "了解", "interpretation": "看解读",
                "policy": "查看政策", "topic": "浏览专题"}
#: Kinds that answer the same sort of question (a clarifying question offers other sorts).
GROUPS = {"service": "办事", "scenario": "办事", "faq": "咨询", "interpretation": "政策",
          "policy": "政策", "topic": "专题"}
INTENTS = {"service": "办事", "interpretation": "政策", "faq": "咨询", "complaint": "投诉"}
#: Below this, the first result does not cover the question: fall back to a person.
#: (On the question set, right answers scored 0.64 and up, questions the site cannot
#: answer 0.60 and below: tests/functions/qa/questions.yml.)
CONFIDENT = 0.62
#: Answers within this share of the best one are "close".
CLOSE = 0.85
#: A question that names a 随手拍 problem this completely is a complaint.
COMPLAINT_MATCH = 0.75
EXCERPT_CHARS = 120


class Refused(Exception):
    """The question holds listed sensitive words; ``categories`` says which kinds."""

    def __init__(self, categories: list[str]) -> None:
        super().__init__("、".join(categories))
        self.categories = categories


def phrase_cover(searcher: Searcher, phrase: str, plan: dict[str, Any]) -> float:
    """Share of a phrase's keys the question holds (gaps of up to two characters allowed)."""
    lex = searcher.lex
    want = keys_of(alias_pieces(phrase, lex["_stopset"], lex["_stopmax"],
                                lambda bg: is_word(bg, searcher.bucket)))
    _own, _said, have = query_keys(plan)
    return sum(1 for k in want if k in have) / len(want) if want else 0.0


def plain_excerpt(searcher: Searcher, rec: dict[str, Any], plan: dict[str, Any]) -> str:
    """A short passage of the page's own text: the start of an FAQ's answer or a service's
    summary, else the passage holding the most of the question's words."""
    if rec.get("k") in ("faq", "service", "scenario", "topic"):
        text = re.sub(r"\s+", " ", searcher.get(rec["x"])).strip()
        return text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
    marked = searcher.excerpt(rec, plan, size=EXCERPT_CHARS)
    return html.unescape(re.sub(r"</?mark>", "", marked))


class Answerer:
    """Answers questions from a built site.

    Args:
        site: The built site (search index and ``api/qa/site.json``).
        words: The sensitive-word filter.
    """

    def __init__(self, site: Site, words: WordFilter) -> None:
        self.site = site
        self.words = words

    def ask(self, q: str, *, literal: bool = False) -> dict[str, Any]:
        """The answer to one question (see the module's description for the cases).

        Raises:
            Refused: The question holds listed sensitive words.
            SiteUnavailable: The site has no search index.
        """
        flagged = sorted({f.category for f in self.words.find(q) if f.category != PERSONAL})
        if flagged:
            log.info("智能问答：拒答一个问题（%s），原文不记录", "、".join(flagged))
            raise Refused(flagged)
        data = self.site.data()
        s = data.searcher
        res = s.search(q, limit=10, literal=literal)
        plan = res["plan"]
        answers = [self._answer(data, rec, plan) for rec in res["results"]]
        out: dict[str, Any] = {"q": q, "intent": INTENTS.get(plan["cue"], ""), "answers": answers}
        if plan["shown"]:
            out["corrected_query"] = plan["shown"]
            out["notice"] = res["notice"]
        aliases = ask_scores(plan, s.bucket) if plan["concepts"] else {}
        results = res["results"]
        sure = confidence(s, plan, results[0]["doc"], aliases) if results else 0.0
        if self._is_complaint(data, plan) and not (
                results and aliases.get(results[0]["doc"], 0.0) >= CONFIDENT and results[0]["k"] == "faq"):
            out["intent"] = "投诉"
            out["answers"] = [self._complaint(data), *answers]
            return out
        if sure < CONFIDENT:
            if any(phrase_cover(s, name, plan) > 0 for name in data.complaint):
                # Nothing on the portal answers it, and it names what 随手拍 takes (路灯…).
                out["intent"] = "投诉"
                out["answers"] = [self._complaint(data), *answers]
                return out
            out["fallback"] = self._fallback(data)
            return out
        required = [c for c in plan["concepts"] if not c.get("opt")]
        # Only a bare topic is ambiguous: one subject, and nothing said about what for.
        clarify = self._clarify(results, answers) if len(required) == 1 and not plan["cue"] \
            else None
        if clarify:
            out["clarify"] = clarify
        return out

    def unanswerable(self, q: str) -> dict[str, Any]:
        """The answer when there is nothing to answer from: a person may still answer."""
        return {"q": q, "intent": "", "answers": [],
                "fallback": {"message": "这个问题暂时回答不了。您可以把问题提交给我们，工作人员会尽快答复。",
                             "submit": "questions", "faq_url": "/faqs/"}}

    # -- the parts of an answer ------------------------------------------------------------
    def _answer(self, data: SiteData, rec: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
        kind = str(rec.get("k", ""))
        item: dict[str, Any] = {
            "id": rec["id"], "title": rec["t"], "url": data.url(rec["u"]), "kind": kind,
            "kind_label": KIND_LABELS.get(kind, kind),
            "excerpt": plain_excerpt(data.searcher, rec, plan)}
        if rec["id"] in data.services:
            item["facts"] = data.services[rec["id"]]
        steps = data.next_steps.get(rec["id"])
        if steps:
            item["next"] = [{"label": st["label"], "url": _link(data, st["url"])} for st in steps]
        return item

    def _is_complaint(self, data: SiteData, plan: dict[str, Any]) -> bool:
        if plan["cue"] == "complaint":
            return True
        return any(phrase_cover(data.searcher, name, plan) >= COMPLAINT_MATCH
                   for name in data.complaint)

    def _complaint(self, data: SiteData) -> dict[str, Any]:
        url = data.links.get("complaint", "complaint/")
        names = "、".join(data.complaint[:6])
        excerpt = f"拍照、定位，直接反映给所在网格处理，可以查询办理进度。常见问题：{names}。" if names else \
            "拍照、定位，直接反映给所在网格处理，可以查询办理进度。"
        return {"id": "complaint", "title": "随手拍：反映问题", "url": data.url(url),
                "kind": "complaint", "kind_label": KIND_LABELS["complaint"], "excerpt": excerpt}

    def _fallback(self, data: SiteData) -> dict[str, Any]:
        return {"message": "这个问题暂时回答不了。您可以把问题提交给我们，工作人员会尽快答复；"
                           "也可以先看看常见问题。",
                "submit": "questions", "faq_url": data.url(data.links.get("faqs", "faqs/"))}

    def _clarify(self, results: list[dict[str, Any]],
                 answers: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Ask back when the best answers are close and answer different sorts of question."""
        if len(results) < 2:
            return None
        top = results[0]["score"]
        if not math.isfinite(top) or top <= 0:
            return None
        close = [k for k, r in enumerate(results[:3]) if r["score"] >= CLOSE * top]
        if len({GROUPS.get(results[k]["k"], "") for k in close}) < 2:
            return None
        choices = []
        for k in close:
            a = answers[k]
            verb = CHOICE_VERBS.get(a["kind"], "查看")
            choices.append({"label": f"{verb}：{a['title']}", "title": a["title"], "url": a["url"],
                            "kind": a["kind"], "id": a["id"]})
        return {"question": "您想了解的是下面哪一项？", "choices": choices}


def _link(data: SiteData, url: str) -> str:
    """A next step's link: external addresses as they are, site paths from the host."""
    return url if re.match(r"^[a-z]+://", url) else data.url(url)

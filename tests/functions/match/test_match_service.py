"""The match service over stored revisions: the newest one that loads is in force, a newly
published one takes over at once, each is compiled once, and every answer counts exactly."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from functions.match.service import MatchService, NoRuleset, ProfileError
from functions.match.store import MIGRATIONS, MatchStore, StoredRuleset, rulesets
from functions.runtime import audit
from functions.runtime.db import make_engine, migrate

pytestmark = pytest.mark.integration


def _condition(cid: str, label: str, logic: Any) -> dict[str, Any]:
    return {"id": cid, "label": label, "clause": "第二条", "logic": logic}


RULES: dict[str, Any] = {
    "version": 1, "generated": "2024-06-01",
    "facts": {
        "person": [
            {"name": "age", "label": "年龄", "type": "integer", "min": 0, "max": 150},
            {"name": "district", "label": "居住地所在区", "type": "string",
             "options": ["390102", "390103"], "option_labels": {"390102": "滨江区", "390103": "江北区"}},
        ],
        "enterprise": [{"name": "revenue", "label": "上年营业收入", "type": "money"}],
    },
    "policies": [
        {"id": "elder", "subject": "person", "title": "高龄津贴", "eligibility": [
            _condition("age", "80岁以上", {">=": [{"var": "age"}, 80]}),
            _condition("district", "居住在滨江区", {"==": [{"var": "district"}, "390102"]})],
         "amount": {"label": "每年1000元", "logic": 100000}},
        {"id": "young", "subject": "person", "title": "青年补贴", "eligibility": [
            _condition("age", "35岁以下", {"<=": [{"var": "age"}, 35]})]},
        {"id": "local", "subject": "person", "title": "本区补贴", "eligibility": [
            _condition("district", "居住在滨江区", {"==": [{"var": "district"}, "390102"]})]},
        {"id": "big", "subject": "enterprise", "title": "规上企业奖励", "eligibility": [
            _condition("revenue", "营业收入2000万元以上", {">=": [{"var": "revenue"}, 2_000_000_000]})]},
    ],
}
ELDER = {"age": 85, "district": "滨江区"}


def broken() -> dict[str, Any]:
    """A revision stored before publishing checked rules: the engine cannot load it."""
    document = copy.deepcopy(RULES)
    document["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "age"}, 2**64]}
    return document


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine, "runtime", audit.MIGRATIONS)
    migrate(engine, "match", MIGRATIONS)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> MatchStore:
    return MatchStore(engine)


def publish(store: MatchStore, document: dict[str, Any] | None) -> int:
    with store.engine.begin() as conn:
        revision = store.publish(conn, document or {}, actor="李工").revision
        if document is None:  # a row whose document is JSON null
            conn.execute(update(rulesets).where(rulesets.c.revision == revision)
                         .values(document="null"))
    return revision


def unloadable(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "tongda.functions.match" and r.levelno == logging.ERROR]


def test_nothing_published_and_nothing_loadable_are_told_apart(store: MatchStore) -> None:
    service = MatchService(store)
    with pytest.raises(NoRuleset, match=r"^尚未发布政策规则$"):
        service.match("person", ELDER)
    publish(store, broken())
    with pytest.raises(NoRuleset, match=r"^没有可以加载的政策规则版本$"):
        service.matcher()


def test_the_answer_counts_every_policy_and_only_the_eligible_ones(store: MatchStore) -> None:
    publish(store, RULES)
    body = MatchService(store).match("person", {"age": 85})
    assert {k: body[k] for k in ("subject", "revision", "count", "eligible")} == \
        {"subject": "person", "revision": 1, "count": 3, "eligible": 0}
    # elder and local are unknown (no district given), young is unmet: none is eligible.
    assert [(r["policy"]["id"], r["eligible"]) for r in body["results"]] == \
        [("elder", None), ("local", None), ("young", False)]
    body = MatchService(store).match("person", ELDER)
    assert (body["count"], body["eligible"]) == (3, 2)
    assert [(r["policy"]["id"], r["eligible"], r["amount"]) for r in body["results"]] == \
        [("elder", True, 100000), ("local", True, None), ("young", False, None)]


def test_only_the_policies_asked_for_and_the_best_few(store: MatchStore) -> None:
    publish(store, RULES)
    service = MatchService(store)
    only = service.match("person", ELDER, only=["young", "local"])
    assert [r["policy"]["id"] for r in only["results"]] == ["local", "young"]
    assert (only["count"], only["eligible"]) == (2, 1)
    best = service.match("person", ELDER, limit=1)
    assert [r["policy"]["id"] for r in best["results"]] == ["elder"]
    assert (best["count"], best["eligible"]) == (3, 2)
    assert [r["policy"]["id"] for r in service.match("enterprise", {})["results"]] == ["big"]


def test_a_newly_published_revision_is_in_force_from_the_next_match(store: MatchStore) -> None:
    publish(store, RULES)
    service = MatchService(store)
    assert service.match("person", ELDER)["revision"] == 1
    stricter = copy.deepcopy(RULES)
    stricter["policies"][0]["eligibility"][0]["logic"] = {">=": [{"var": "age"}, 90]}
    publish(store, stricter)
    body = service.match("person", ELDER)
    assert body["revision"] == 2
    assert body["results"][0]["policy"]["id"] == "local"  # elder is unmet at 85 now
    assert body["eligible"] == 1


def test_each_revision_is_compiled_once(store: MatchStore) -> None:
    publish(store, RULES)
    service = MatchService(store)
    revision, matcher = service.matcher()
    assert service.matcher() == (revision, matcher)
    assert service.matcher()[1] is matcher


def test_a_broken_newest_revision_falls_back_is_logged_once_and_not_recompiled(
        store: MatchStore, caplog: pytest.LogCaptureFixture) -> None:
    publish(store, RULES)
    publish(store, broken())
    service = MatchService(store)
    with caplog.at_level(logging.ERROR, "tongda.functions.match"):
        revision, matcher = service.matcher()
        assert revision == 1
        assert service.matcher()[1] is matcher
        assert service.match("person", ELDER)["revision"] == 1
        assert unloadable(caplog) == ["规则版本 2 无法加载，改用更早的版本"]
        assert all(r.exc_info for r in caplog.records)  # with the reason, for the operator
        publish(store, broken())
        assert service.match("person", ELDER)["revision"] == 1
    assert unloadable(caplog) == ["规则版本 2 无法加载，改用更早的版本",
                                  "规则版本 3 无法加载，改用更早的版本"]


@pytest.mark.parametrize(("broken_revisions", "served"), [(19, 1), (20, None)])
def test_at_most_twenty_revisions_are_tried(store: MatchStore, broken_revisions: int,
                                            served: int | None) -> None:
    publish(store, RULES)
    for _ in range(broken_revisions):
        publish(store, broken())
    service = MatchService(store)
    if served is None:
        with pytest.raises(NoRuleset):
            service.matcher()
    else:
        assert service.matcher()[0] == served


def test_a_revision_without_a_document_is_passed_over(store: MatchStore) -> None:
    publish(store, RULES)
    publish(store, None)
    assert MatchService(store).match("person", ELDER)["revision"] == 1


def test_a_revision_gone_while_it_was_read_is_passed_over(engine: Engine) -> None:
    class Vanishing(MatchStore):
        def get(self, revision: int | None = None, *,
                with_document: bool = True) -> StoredRuleset | None:
            return None if revision == 2 else super().get(revision, with_document=with_document)

    store = Vanishing(engine)
    publish(store, RULES)
    publish(store, RULES)
    assert MatchService(store).match("person", ELDER)["revision"] == 1


def test_an_old_revision_without_a_subjects_facts_refuses_its_profiles(
        store: MatchStore) -> None:
    """A legacy revision with no person facts: a person's profile is a profile error."""
    legacy = copy.deepcopy(RULES)
    del legacy["facts"]["person"]
    legacy["policies"] = [p for p in legacy["policies"] if p["subject"] == "enterprise"]
    publish(store, legacy)
    with pytest.raises(ProfileError) as refused:
        MatchService(store).match("person", {"age": 85})
    assert refused.value.problems == [("subject", "未知的主体 'person'，应为 enterprise 或 person")]

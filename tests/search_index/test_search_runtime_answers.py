"""What a citizen sees for a query, pinned: the plan (concepts, alternatives and their
weights), the notice, the question type, and the top ten with their scores, over the laws
fixture and the task portal (aliases, question types, readers' votes).

The scores are those the browser runtime shows too (``test_search_parity*.py`` holds both
runtimes to the same answers); a change to a weight, a bonus or a rule of query
understanding changes some line here, and must be a decision, not an accident.

Both indexes are built once, when this file is imported, and kept in memory: the mutation
run (issue 22) forks one process per mutant after collecting the tests, so each mutant
costs the queries, not two index builds.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import search_fixture_docs as laws
import task_fixture_docs as tasks

from search_index.runtime import Searcher

pytestmark = pytest.mark.unit
INF = float("inf")


def in_memory(build: Callable[[Path], Path]) -> Callable[[str], bytes]:
    """The files of an index built into a temporary folder, read back into memory."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = build(Path(tmp))
        files = {p.name: p.read_bytes() for p in folder.iterdir()}
    return files.__getitem__


LAWS = in_memory(laws.build)
PORTAL = in_memory(lambda out: tasks.build(out, feedback=tasks.FEEDBACK))


def plan_text(plan: dict) -> str:
    """Concepts as ``text=alt/weight,...`` (``?`` marks an optional one), ``; `` between."""
    return "; ".join(
        c["text"] + ("?" if c.get("opt") else "") + "="
        + ",".join(f"{a['text']}/{a['w']}" for a in c["alts"]) for c in plan["concepts"])


def check(searcher: Searcher, q: str, total: int, shown: str, cue: str, plan: str,
          top: list[tuple[str, float]]) -> None:
    res = searcher.search(q, limit=10)
    assert (res["total"], res["shown"], res["plan"]["cue"], plan_text(res["plan"])) == (
        total, shown, cue, plan)
    assert [(r["id"], r["score"]) for r in res["results"]] == top
    assert res["notice"] == (f"已为您显示“{shown}”的结果，仍搜索“{q}”" if shown else "")


LAW_ANSWERS = [
    ('个人所得税法', 5, '', 'interpretation', '个人所得税法=个人所得税法/1.0',
     [('pit', 22.194717), ('pit-rules', 19.630763), ('savings-tax', 9.515244), ('tax-faq', 5.525053), ('housing-fund', 0.679556)]),
    ('个人所得税', 5, '', 'interpretation', '个人所得税=个人所得税/1.0',
     [('pit', 18.888057), ('savings-tax', 16.491496), ('pit-rules', 14.383503), ('tax-faq', 10.963436), ('housing-fund', 0.770544)]),
    ('身分证', 4, '身份证', '', '身份证=身份证/1.0',
     [('id-card-law', 10.2967), ('id-card-renewal', 10.158599), ('id-card-graphic', 9.614236), ('passport-law', 0.344935)]),
    ('户口等记', 4, '户口登记', '', '户口登记=户口登记/1.0',
     [('hukou-regs', 13.983462), ('beijing-dogs', 0.787823), ('id-card-renewal', 0.532747), ('dibao', 0.37875)]),
    ('huzhao', 3, '护照', '', 'huzhao=护照/1.0',
     [('passport-law', 6.848492), ('passport-service', 5.330109), ('exit-entry-law', 0.821819)]),
    ('sfz', 4, '身份证', '', 'sfz=身份证/1.0',
     [('id-card-law', 10.2967), ('id-card-renewal', 10.158599), ('id-card-graphic', 9.614236), ('passport-law', 0.344935)]),
    ('zhufanggongjijin', 1, '住房公积金', '', 'zhufanggongjijin=住房公积金/1.0',
     [('housing-fund', 21.205186)]),
    ('gongjijin', 1, '公积金', '', 'gongjijin=公积金/1.0',
     [('housing-fund', 14.971627)]),
    ('我要出国', 3, '', 'service', '出国=出国/0.6,护照/1.0,出境入境/1.0',
     [('exit-entry-law', 15.32143), ('passport-service', 10.660219), ('passport-law', 6.848492)]),
    ('房子被拆迁怎么补偿', 4, '', 'service', '房子=房子/1.0; 拆迁=拆迁/0.6,房屋征收/1.0; 补偿=补偿/1.0',
     [('expropriation', 4.937094), ('savings-tax', 0.234706), ('labour-contract', 0.087308), ('injury-insurance', 0.081701)]),
    ('被公司辞退', 1, '', '', '公司=公司/1.0; 辞退=辞退/0.6,解除劳动合同/1.0',
     [('labour-contract', 1.95844)]),
    ('身份证到期', 4, '', 'service', '身份证到期=身份证到期/1.0',
     [('id-card-renewal', 8.640269), ('id-card-graphic', 4.255517), ('id-card-law', 4.253754), ('passport-law', 0.267186)]),
    ('护照办理', 4, '', 'service', '护照办理=护照办理/1.0',
     [('passport-service', 22.322209), ('passport-law', 1.976989), ('exit-entry-law', 0.948955), ('beijing-dogs', 0.486964)]),
    ('北京 停车', 4, '', '', '北京=北京/1.0; 停车=停车/1.0',
     [('beijing-parking', 13.47666), ('shanghai-parking', 0.961581), ('beijing-dogs', 0.865073), ('beijing-smoking', 0.865073)]),
    ('国办函[2011]15号', 1, '', '', '国?=国/1.0; 函?=函/1.0; 2011=2011/1.0; 15=15/1.0; 号?=号/1.0',
     [('expropriation', INF)]),
    ('查国办函（2011）第15号', 1, '', '', '查国=查国/1.0; 函?=函/1.0; 2011=2011/1.0; 第?=第/1.0; 15=15/1.0; 号?=号/1.0',
     [('expropriation', INF)]),
    ('主席令第51号', 2, '', '', '主席令第=主席令第/1.0; 51=51/1.0; 号?=号/1.0',
     [('id-card-law', INF), ('housing-fund', 0.990151)]),
    ('条例', 8, '', '', '条例=条例/1.0',
     [('hukou-regs', 3.047786), ('injury-insurance', 2.949891), ('beijing-parking', 2.830553), ('pit-rules', 2.818246), ('beijing-smoking', 2.803205), ('housing-fund', 2.722403), ('dibao', 2.660403), ('expropriation', 2.511297)]),
    ('税', 4, '', '', '税=税/1.0',
     [('pit', 4.571082), ('pit-rules', 4.254), ('tax-faq', 4.003197), ('savings-tax', 3.803826)]),
    ('养狗', 1, '', '', '养狗=养狗/0.6,养犬/1.0',
     [('beijing-dogs', 8.302471)]),
    ('低保', 8, '', '', '低保=低保/0.6,最低生活保障/1.0',
     [('dibao', 17.410223), ('beijing-dogs', 0.195133), ('beijing-smoking', 0.186794), ('injury-insurance', 0.170116), ('expropriation', 0.16678), ('id-card-law', 0.165112), ('legal-aid', 0.165112), ('passport-law', 0.160109)]),
    ('住房公积金 管理', 7, '', '', '住房公积金=住房公积金/1.0; 管理=管理/1.0',
     [('housing-fund', 27.00551), ('exit-entry-law', 0.482153), ('beijing-dogs', 0.476877), ('shanghai-parking', 0.475822), ('passport-service', 0.234219), ('beijing-parking', 0.171971), ('passport-law', 0.101284)]),
    ('机动车停车', 2, '', '', '机动车停车=机动车停车/1.0',
     [('beijing-parking', 19.631756), ('shanghai-parking', 1.720129)]),
    ('', 0, '', '', '',
     []),
    ('的', 0, '', '', '',
     []),
    ('app', 0, '', '', '',
     []),
]

PORTAL_ANSWERS = [
    ('开个小店要办什么手续', 1, '', 'service', '开?=开/1.0; 小店=小店/1.0; 手续=手续/1.0',
     [('shop-service', 16.599958)]),
    ('残疾证丢了怎么补', 6, '', 'service', '残疾证丢=残疾证丢/1.0; 补?=补/1.0',
     [('faq-disability-lost', 24.132507), ('disability-card', 11.783062), ('id-replacement', 4.369102), ('disability-law', 1.883323), ('faq-id-lost', 1.330473), ('id-card-law', 0.217695)]),
    ('我要出国', 5, '', 'service', '出国=出国/0.6,护照/1.0,出境入境/1.0',
     [('passport-service', 29.425323), ('going-abroad', 26.241538), ('id-renewal', 16.114119), ('faq-passport-time', 10.727848), ('passport-law', 10.724985)]),
    ('小微企业所得税优惠政策', 2, '', 'interpretation', '小微企业所得税优惠政策=小微企业所得税优惠政策/1.0',
     [('tax-qa', 69.950035), ('tax-policy', 38.097041)]),
    ('banhuzhao', 5, '办护照', 'service', 'banhuzhao=护照/1.0; 办?=办/1.0',
     [('passport-service', 14.3732), ('faq-passport-time', 7.865864), ('going-abroad', 7.677181), ('passport-law', 7.55918), ('id-renewal', 3.132475)]),
    ('huanshenfenzheng', 10, '换身份证', 'service', '身份证=身份证/0.6,居民身份证/1.0; 换?=换/1.0',
     [('id-renewal', 33.834577), ('id-replacement', 28.509749), ('id-card-law', 10.611049), ('faq-id-lost', 7.279695), ('passport-service', 2.327326), ('dibao-service', 1.83948), ('going-abroad', 1.297437), ('disability-card', 0.975044), ('faq-disability-lost', 0.669949), ('passport-law', 0.079853)]),
    ('换身份证', 10, '', '', '换?=换/1.0; 身份证=身份证/0.6,居民身份证/1.0',
     [('id-renewal', 16.459365), ('id-replacement', 14.254875), ('id-card-law', 10.611049), ('faq-id-lost', 6.066413), ('passport-service', 1.163663), ('dibao-service', 0.91974), ('going-abroad', 0.648719), ('faq-disability-lost', 0.558291), ('disability-card', 0.487522), ('passport-law', 0.079853)]),
    ('补身份证', 10, '', '', '补?=补/1.0; 身份证=身份证/0.6,居民身份证/1.0',
     [('id-replacement', 16.077444), ('id-renewal', 14.189072), ('id-card-law', 10.611049), ('faq-id-lost', 6.066413), ('faq-disability-lost', 2.344164), ('passport-service', 1.163663), ('dibao-service', 0.91974), ('going-abroad', 0.648719), ('disability-card', 0.487522), ('passport-law', 0.079853)]),
    ('身分证补领', 10, '身份证补领', '', '身份证=身份证/0.6,居民身份证/1.0; 补领=补领/1.0',
     [('id-replacement', 27.286437), ('id-renewal', 7.298577), ('faq-id-lost', 7.217331), ('id-card-law', 5.58126), ('passport-service', 0.290916), ('dibao-service', 0.229935), ('going-abroad', 0.16218), ('faq-disability-lost', 0.139573), ('disability-card', 0.12188), ('passport-law', 0.019963)]),
    ('护找办理', 9, '护照办理', 'service', '护照办理=护照办理/1.0',
     [('passport-service', 24.608611), ('going-abroad', 10.114976), ('id-renewal', 5.993644), ('faq-passport-time', 5.854505), ('passport-law', 5.108409), ('disability-card', 2.007525), ('dog-service', 0.579677), ('shop-service', 0.546296), ('business-regs', 0.266486)]),
    ('办狗证', 2, '', '', '狗证=狗证/1.0',
     [('faq-dog-fee', 13.707694), ('dog-service', 4.541256)]),
    ('养狗', 2, '', '', '养狗=养狗/0.6,养犬/1.0',
     [('dog-service', 10.969222), ('faq-dog-fee', 1.488717)]),
    ('狗证要交钱吗', 2, '', 'service', '狗证=狗证/1.0; 交钱=交钱/1.0',
     [('faq-dog-fee', 34.232971), ('dog-service', 13.455575)]),
    ('家里困难怎么申请', 13, '', 'service', '家里困难=家里困难/0.6,最低生活保障/1.0; 申请=申请/1.0',
     [('dibao-service', 42.795598), ('dibao-measures', 7.999758), ('disability-law', 1.336581), ('passport-law', 0.338657), ('id-replacement', 0.110206), ('passport-service', 0.104041), ('disability-card', 0.095563), ('shop-service', 0.094793), ('id-renewal', 0.093251), ('going-abroad', 0.093251)]),
    ('shenfenzheng', 10, '身份证', '', '身份证=身份证/0.6,居民身份证/1.0',
     [('id-replacement', 15.079136), ('id-renewal', 15.013334), ('id-card-law', 10.611049), ('faq-id-lost', 6.676977), ('passport-service', 1.163663), ('dibao-service', 0.91974), ('going-abroad', 0.648719), ('faq-disability-lost', 0.558291), ('disability-card', 0.487522), ('passport-law', 0.079853)]),
    ('路灯坏了没人管', 0, '', 'complaint', '路灯坏=路灯坏/1.0; 没人管=没人管/1.0',
     []),
]


@pytest.mark.parametrize(("q", "total", "shown", "cue", "plan", "top"), LAW_ANSWERS,
                         ids=[a[0] or "empty" for a in LAW_ANSWERS])
def test_laws_answers(q: str, total: int, shown: str, cue: str, plan: str,
                      top: list[tuple[str, float]]) -> None:
    check(Searcher(LAWS), q, total, shown, cue, plan, top)


@pytest.mark.parametrize(("q", "total", "shown", "cue", "plan", "top"), PORTAL_ANSWERS,
                         ids=[a[0] for a in PORTAL_ANSWERS])
def test_portal_answers(q: str, total: int, shown: str, cue: str, plan: str,
                        top: list[tuple[str, float]]) -> None:
    check(Searcher(PORTAL), q, total, shown, cue, plan, top)

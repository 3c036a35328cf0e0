"""A small clean corpus that no quality rule reports, and a helper that writes and loads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from site_builder.content.corpus import Corpus, load_corpus

TODAY = dt.date(2024, 6, 1)
LAW_TEXT = ("第一条 为了促进高校毕业生等青年就业创业，根据有关法律法规，结合本市实际，制定本办法。\n\n"
            "第二条 本办法适用于本市行政区域内招用高校毕业生的企业和自主创业的高校毕业生。\n\n"
            "第三条 市人力资源社会保障部门负责本办法的组织实施，财政部门负责补贴资金保障。\n\n"
            "第四条 企业招用毕业年度高校毕业生并签订一年以上劳动合同的，按每人一千元给予一次性扩岗补助。\n\n"
            "第五条 高校毕业生首次创办小微企业并正常经营六个月以上的，给予五千元一次性创业补贴。\n")

Docs = dict[str, tuple[dict[str, Any], str]]


def clean_docs() -> Docs:
    """One document of each kind, written the way the editors' guide asks."""
    return {
        "topics/jiuye.md": ({"id": "jiuye", "title": "就业创业", "description": "就业创业政策与服务。"},
                            "就业创业相关的政策、解读和办事指南都在这里。\n"),
        "policies/p-main.md": ({
            "id": "p-main", "title": "临江市高校毕业生就业补贴办法", "summary": "招用高校毕业生的企业可领扩岗补助。",
            "topics": ["jiuye"], "tags": ["就业", "创业"], "doc_number": "临政发〔2023〕5号",
            "issuer": "临江市人民政府", "level": "city", "doc_type": "规范性文件", "region": "330100",
            "written": dt.date(2023, 3, 1), "published": dt.date(2023, 3, 5),
            "effective": dt.date(2023, 4, 1), "reviewed": dt.date(2024, 5, 1)},
            "# 临江市高校毕业生就业补贴办法\n\n## 第一章 总则 {#zongze}\n\n" + LAW_TEXT),
        "interpretations/i-main.md": ({
            "id": "i-main", "title": "一图读懂就业补贴办法", "summary": "补贴对象、标准和申领方式。",
            "interprets": ["p-main"], "issuer": "临江市人力资源和社会保障局",
            "published": dt.date(2023, 3, 10), "reviewed": dt.date(2024, 5, 1)},
            "## 谁可以申请\n\n招用毕业年度高校毕业生并签订一年以上劳动合同的企业，每人补助一千元。\n"),
        "services/s-main.md": ({
            "id": "s-main", "title": "高校毕业生扩岗补助申领", "summary": "企业在网上申领一次性扩岗补助。",
            "topics": ["jiuye"], "department": "临江市人力资源和社会保障局", "policies": ["p-main"],
            "conditions": ["招用毕业年度高校毕业生"], "materials": [{"name": "劳动合同"}],
            "steps": ["网上申请", "审核", "发放"], "time_limit": {"legal_days": 20, "promised_days": 5},
            "where": [{"name": "市民中心", "address": "临江市人民路 1 号", "phone": "0571-8690 1110"}],
            "online": "https://zwfw.linjiang.gov.cn/items/kuogang", "phone": "12333",
            "reviewed": dt.date(2024, 5, 1)},
            "## 办理说明\n\n依据[临江市高校毕业生就业补贴办法总则](../policies/p-main.md#zongze)办理。\n"),
        "faqs/f-main.md": ({
            "id": "f-main", "title": "扩岗补助多久到账？", "about": ["s-main"],
            "department": "临江市人力资源和社会保障局", "published": dt.date(2023, 5, 1),
            "reviewed": dt.date(2024, 5, 1)},
            "审核通过后一般在五个工作日内拨付到企业的对公账户。\n"),
    }


def write(root: Path, docs: Docs, extra_files: dict[str, bytes] | None = None) -> Corpus:
    """Write the documents under ``root`` and load them; fail on any schema error."""
    for rel, (meta, body) in docs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    for rel, data in (extra_files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    corpus = load_corpus(root, today=TODAY)
    assert not corpus.errors, [e.format() for e in corpus.errors]
    return corpus



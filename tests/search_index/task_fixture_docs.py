"""A small portal of every kind of page (guides, FAQs, a scenario, interpretations, laws)
for the ranking tests: learned aliases, question types, pinyin verbs, feedback."""
from __future__ import annotations

import json
from pathlib import Path

from search_index.indexer import SearchIndex
from search_index.model import SearchDoc

SYNONYMS = """\
synonyms:
  出国: [护照, 出境入境]
  低保: [最低生活保障]
  家里困难: [最低生活保障]
  养狗: [养犬]
  身份证: [居民身份证]
cues:
  service: [办理, 补办]
"""


def _doc(i: str, kind: str, title: str, body: str, **kw: object) -> SearchDoc:
    folder = {"service": "services", "faq": "faqs", "scenario": "scenarios",
              "interpretation": "interpretations", "policy": "policies"}[kind]
    return SearchDoc(id=i, url=f"{folder}/{i}/", kind=kind, title=title, body=body,
                     status="effective", **kw)  # type: ignore[arg-type]


DOCS = [
    _doc("passport-law", "policy", "中华人民共和国护照法",
         "第一条 为了规范中华人民共和国护照的申请、签发和管理，保障公民出入国境的权益，制定本法。\n"
         "第二条 护照是中华人民共和国公民出入国境和在国外证明国籍和身份的证件。公民因前往外国定居、探亲、"
         "学习、就业、旅行、从事商务活动等非公务原因出国的，由本人向公安机关出入境管理机构申请普通护照。",
         issuer="全国人民代表大会常务委员会", date="2006-04-29", keywords=["护照"]),
    _doc("id-card-law", "policy", "中华人民共和国居民身份证法",
         "第一条 为了证明居住在中华人民共和国境内的公民的身份，制定本法。\n第十一条 居民身份证有效期满、"
         "公民姓名变更或者证件严重损坏不能辨认的，应当申请换领新证；居民身份证丢失的，应当申请补领。",
         issuer="全国人民代表大会常务委员会", date="2011-10-29"),
    _doc("dibao-measures", "policy", "江南省最低生活保障实施办法",
         "第一条 为了规范最低生活保障工作，保障困难群众基本生活，制定本办法。\n"
         "第八条 共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产符合规定的，可以申请最低生活保障。",
         issuer="江南省人民政府", date="2022-03-01", keywords=["低保"]),
    _doc("business-regs", "policy", "促进个体工商户发展条例",
         "第一条 为了鼓励、支持和引导个体经济健康发展，制定本条例。\n第八条 个体工商户应当依法办理登记。",
         issuer="国务院", date="2022-10-01"),
    _doc("tax-policy", "policy", "小微企业所得税优惠政策的公告",
         "对小型微利企业年应纳税所得额不超过100万元的部分，减按25%计入应纳税所得额，按20%的税率缴纳企业所得税。",
         issuer="财政部", date="2023-01-01"),
    _doc("tax-qa", "interpretation", "小微企业所得税优惠政策解读",
         "一问：哪些企业可以享受小微企业所得税优惠？答：从事国家非限制和禁止行业的小型微利企业。",
         issuer="税务局", date="2023-01-05", keywords=["小微企业", "所得税", "税收优惠"]),
    _doc("passport-service", "service", "中国公民因私出国护照办理",
         "本事项依据《中华人民共和国护照法》办理。普通护照7个工作日内签发，可邮寄送达。\n"
         "申请材料：居民身份证、近期免冠彩色证件照片。", summary="因旅游、探亲、留学出国，申请普通护照。",
         keywords=["护照", "出国", "出入境", "因私出国"]),
    _doc("id-renewal", "service", "居民身份证换领",
         "居民身份证有效期满、姓名变更或证件严重损坏的，申请换领新证。本市户籍可在任一办证点办理。",
         keywords=["身份证", "换证", "身份证到期"]),
    _doc("id-replacement", "service", "居民身份证补领",
         "居民身份证丢失或被盗的，申请补领新证；可先在网上挂失。",
         keywords=["身份证", "身份证丢了", "补办身份证", "挂失"]),
    _doc("dibao-service", "service", "城乡居民最低生活保障申请",
         "家庭人均收入低于本市最低生活保障标准、家庭财产符合规定的城乡居民，可以申请最低生活保障。",
         keywords=["低保", "最低生活保障", "生活困难", "社会救助"]),
    _doc("shop-service", "service", "个体工商户设立登记",
         "有经营能力的公民从事工商业经营，申请登记为个体工商户。可以网上办理，当场发放营业执照。",
         keywords=["开店", "营业执照", "个体户", "创业"]),
    _doc("dog-service", "service", "养犬登记",
         "在城区饲养犬只的，应当在取得犬只免疫证明后三十日内办理养犬登记。",
         keywords=["养狗", "狗证", "犬只登记"]),
    _doc("faq-id-lost", "faq", "身份证丢了怎么办？",
         "先在网上挂失，再到任一户政办证点补领，工本费20元。", keywords=["身份证丢了", "挂失"],
         links=["id-replacement"]),
    _doc("faq-passport-time", "faq", "办护照要多长时间？急着出国能加急吗？",
         "一般7个工作日内签发；有合理紧急事由的，可以申请加急。", keywords=["护照", "加急"],
         links=["passport-service"]),
    _doc("faq-dog-fee", "faq", "办狗证要交钱吗？", "养犬登记不收费，疫苗费用自理。",
         keywords=["狗证", "收费"], links=["dog-service"]),
    _doc("disability-law", "policy", "中华人民共和国残疾人保障法",
         "第一条 为了维护残疾人的合法权益，发展残疾人事业，制定本法。\n残疾人证由残疾人联合会统一发放；"
         "残疾人证丢失或者损坏的，可以申请补发或者换发。", issuer="全国人民代表大会常务委员会",
         date="2018-10-26"),
    _doc("disability-card", "service", "残疾人证办理",
         "符合条件的残疾人，持身份证和近期照片，到户籍所在地的县级残联申请，经评定后核发证件。"),
    _doc("faq-disability-lost", "faq", "残疾证丢了怎么补？",
         "到原发证的残联窗口申请，带上身份证和两张照片，当场受理。", links=["disability-card"]),
    _doc("going-abroad", "scenario", "出国（境）办理",
         "出国旅游、留学、探亲前，护照和身份证件一次办齐。先检查身份证是否在有效期内，再申请普通护照。",
         keywords=["出国", "护照", "出入境"], links=["passport-service", "id-renewal"]),
]

#: Votes as ``tongda qa feedback-export`` writes them.
FEEDBACK = {"votes": {"faq-dog-fee": [30, 0], "dog-service": [0, 3]}}


def build(out: Path, *, feedback: dict | None = None) -> Path:
    """Write the index of :data:`DOCS` into ``out/search`` and return that folder."""
    syn = out / "synonyms.yml"
    syn.write_text(SYNONYMS, "utf-8")
    fb = None
    if feedback is not None:
        fb = out / "qa-feedback.json"
        fb.write_text(json.dumps(feedback), "utf-8")
    index = SearchIndex(synonyms_path=syn, feedback_path=fb)
    for d in DOCS:
        index.add(d)
    index.write(out / "search")
    return out / "search"

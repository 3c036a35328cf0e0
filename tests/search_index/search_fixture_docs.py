"""A small, stable set of documents for the search tests (no corpus needed)."""
from __future__ import annotations

from pathlib import Path

from search_index.indexer import SearchIndex
from search_index.model import SearchDoc

SYNONYMS = """\
synonyms:
  出国: [护照, 出境入境]
  低保: [最低生活保障]
  拆迁: [房屋征收]
  辞退: [解除劳动合同]
  养狗: [养犬]
cues:
  service: [办理, 补办, 到期]
  interpretation: [政策, 补贴, 税]
"""


def _law(i: str, title: str, body: str, **kw: object) -> SearchDoc:
    return SearchDoc(id=i, url=f"policies/{i}/", kind="policy", title=title, body=body,
                     level=str(kw.pop("level", "national")), status="effective", **kw)  # type: ignore[arg-type]


DOCS = [
    _law("id-card-law", "中华人民共和国居民身份证法",
         "第一条 为了证明居住在中华人民共和国境内的公民的身份，保障公民的合法权益，制定本法。\n"
         "第二条 居住在中华人民共和国境内的年满十六周岁的中国公民，应当依照本法的规定申请领取居民身份证。",
         issuer="全国人民代表大会常务委员会", date="2011-10-29", doc_number="主席令第51号",
         headings=["第一章 总则", "第二章 申领和发放"]),
    _law("passport-law", "中华人民共和国护照法",
         "第一条 为了规范中华人民共和国护照的申请、签发和管理，保障中华人民共和国公民出入中华人民共和国国境的权益。\n"
         "第二条 中华人民共和国护照是中华人民共和国公民出入国境和在国外证明国籍和身份的证件。",
         issuer="全国人民代表大会常务委员会", date="2006-04-29"),
    _law("exit-entry-law", "中华人民共和国出境入境管理法",
         "第一条 为了规范出境入境管理，维护中华人民共和国的主权、安全和社会秩序，制定本法。\n"
         "中国公民出境入境，应当依法申请办理护照或者其他旅行证件。",
         issuer="全国人民代表大会常务委员会", date="2012-06-30"),
    _law("hukou-regs", "中华人民共和国户口登记条例",
         "第一条 为了维持社会秩序，保护公民的权利和利益，服务于社会主义建设，制定本条例。\n"
         "第二条 中华人民共和国公民，都应当依照本条例的规定履行户口登记。",
         issuer="全国人民代表大会常务委员会", date="1958-01-09"),
    _law("housing-fund", "住房公积金管理条例",
         "第一条 为了加强对住房公积金的管理，维护住房公积金所有者的合法权益，促进城镇住房建设。\n"
         "职工个人缴存的住房公积金和职工所在单位为职工缴存的住房公积金，属于职工个人所有。",
         issuer="国务院", date="2019-03-24", doc_number="国务院令第350号"),
    _law("injury-insurance", "工伤保险条例",
         "第一条 为了保障因工作遭受事故伤害或者患职业病的职工获得医疗救治和经济补偿，促进工伤预防和职业康复。\n"
         "职工在上下班途中，受到非本人主要责任的交通事故伤害的，应当认定为工伤。",
         issuer="国务院", date="2010-12-20"),
    _law("dibao", "城市居民最低生活保障条例",
         "第一条 为了规范城市居民最低生活保障制度，保障城市居民基本生活，制定本条例。\n"
         "持有非农业户口的城市居民，凡共同生活的家庭成员人均收入低于当地城市居民最低生活保障标准的，均有从当地人民政府获得基本生活物质帮助的权利。",
         issuer="国务院", date="1999-09-28"),
    _law("expropriation", "国有土地上房屋征收与补偿条例",
         "第一条 为了规范国有土地上房屋征收与补偿活动，维护公共利益，保障被征收房屋所有权人的合法权益。\n"
         "对被征收人给予的补偿包括被征收房屋价值的补偿、因征收房屋造成的搬迁、临时安置的补偿。",
         issuer="国务院", date="2011-01-21", doc_number="国办函〔2011〕15号"),
    _law("labour-contract", "中华人民共和国劳动合同法",
         "第一条 为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，保护劳动者的合法权益。\n"
         "用人单位解除劳动合同，应当依照本法规定向劳动者支付经济补偿。",
         issuer="全国人民代表大会常务委员会", date="2012-12-28"),
    _law("beijing-dogs", "北京市养犬管理规定",
         "第一条 为了加强养犬管理，保障公民健康和人身安全，维护市容环境和社会秩序。\n"
         "本市对养犬实行登记和年检制度，养犬人应当办理养犬登记。",
         issuer="北京市人民代表大会常务委员会", date="2003-09-05", level="province"),
    _law("beijing-parking", "北京市机动车停车条例",
         "第一条 为了加强机动车停车管理，规范停车秩序，制定本条例。\n本市行政区域内机动车停车设施的规划、建设和停车管理适用本条例。",
         issuer="北京市人民代表大会常务委员会", date="2018-03-30", level="province"),
    _law("shanghai-parking", "上海市停车场（库）管理办法",
         "第一条 为了加强本市停车场（库）管理，维护交通秩序，制定本办法。",
         issuer="上海市人民政府", date="2014-01-01", level="province"),
    _law("beijing-smoking", "北京市控制吸烟条例",
         "第一条 为了减少吸烟造成的危害，维护公共环境卫生，保障公众身体健康，制定本条例。\n"
         "在禁止吸烟场所吸烟的，由卫生计生监督机构责令改正，处五十元罚款。",
         issuer="北京市人民代表大会常务委员会", date="2014-11-28", level="province"),
    _law("legal-aid", "中华人民共和国法律援助法",
         "第一条 为了规范和促进法律援助工作，保障公民和有关当事人的合法权益。\n"
         "法律援助是国家建立的为经济困难公民和符合法定条件的其他当事人无偿提供法律咨询、代理、刑事辩护等法律服务的制度。",
         issuer="全国人民代表大会常务委员会", date="2021-08-20"),
    _law("pit", "中华人民共和国个人所得税法",
         "第一条 在中国境内有住所，或者无住所而一年内在中国境内居住累计满一百八十三天的个人，为居民个人。\n"
         "下列各项个人所得，应当缴纳个人所得税：工资、薪金所得；劳务报酬所得。",
         issuer="全国人民代表大会常务委员会", date="2018-08-31"),
    _law("pit-rules", "中华人民共和国个人所得税法实施条例",
         "第一条 根据《中华人民共和国个人所得税法》，制定本条例。", issuer="国务院", date="2018-12-18"),
    _law("savings-tax", "对储蓄存款利息所得征收个人所得税的实施办法",
         "第一条 根据《中华人民共和国个人所得税法》的规定，制定本办法。对储蓄存款利息所得征收个人所得税。"
         "个人所得税个人所得税个人所得税。", issuer="国务院", date="1999-09-30"),
    SearchDoc(id="id-card-renewal", url="services/id-card-renewal/", kind="service",
              title="居民身份证换领", body="居民身份证有效期满前三个月内，本人到户籍所在地派出所申请换领。\n需要提交的材料：原居民身份证、户口簿。",
              issuer="临江市公安局", date="2024-01-01", audiences=["个人"], topics=["id-documents"]),
    SearchDoc(id="passport-service", url="services/passport/", kind="service",
              title="中国公民因私出国护照办理", body="申请人本人到出入境管理窗口申请办理普通护照。",
              issuer="临江市公安局出入境管理支队", date="2024-02-01", audiences=["个人"]),
    SearchDoc(id="id-card-graphic", url="interpretations/id-card-graphic/", kind="interpretation",
              title="图解：居民身份证法", body="一图读懂居民身份证的申领、换领和补领政策。",
              issuer="临江市公安局", date="2023-05-01"),
    SearchDoc(id="tax-faq", url="faqs/tax/", kind="faq", title="个人所得税专项附加扣除怎么填？",
              body="在个人所得税应用程序中填报专项附加扣除信息。", date="2024-03-01"),
]


def build(out: Path, docs: list[SearchDoc] | None = None, cache: Path | None = None) -> Path:
    """Write the fixture index into ``out/search`` and return that folder."""
    syn = out / "synonyms.yml"
    syn.parent.mkdir(parents=True, exist_ok=True)
    syn.write_text(SYNONYMS, "utf-8")
    index = SearchIndex(synonyms_path=syn)
    for d in docs if docs is not None else DOCS:
        index.add(d)
    index.write(out / "search", cache_dir=cache)
    return out / "search"

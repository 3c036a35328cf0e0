"""Reading one source file: title, header lines, body, date from the name, problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.importer.ids import make_id
from site_builder.importer.reader import ReadProblem, read_source

pytestmark = pytest.mark.unit


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_title_header_body_and_date(tmp_path: Path) -> None:
    text = "# 电力监管条例\n\n2005年5月1日 施行\n\n<!-- INFO END -->\n\n## 第一章  总则\n\n第一条 …\n"
    src = read_source(write(tmp_path, "电力监管条例(2005-02-15).md", text), "x/电力监管条例(2005-02-15).md")
    assert src.title == "电力监管条例"
    assert src.header == ["2005年5月1日 施行"]
    assert src.body == text.split("\n\n", 1)[1]
    assert (src.stem, src.file_date) == ("电力监管条例", dt.date(2005, 2, 15))


def test_second_h1_is_a_subtitle(tmp_path: Path) -> None:
    text = "# 中华人民共和国民法典\n\n# 附则\n\n2020年5月28日 通过\n\n<!-- INFO END -->\n\n第一千二百六十条 …\n"
    src = read_source(write(tmp_path, "附则.md", text), "民法典/附则.md")
    assert src.title == "中华人民共和国民法典·附则"
    assert src.body.startswith("2020年5月28日")
    assert src.file_date is None


def test_full_width_date_brackets_and_spaces_in_title(tmp_path: Path) -> None:
    text = "#  最高人民法院  最高人民检察院关于某问题的解释 \n\n正文\n"
    src = read_source(write(tmp_path, "某 解释（2023-05-24）.md", text), "某 解释（2023-05-24）.md")
    assert src.title == "最高人民法院 最高人民检察院关于某问题的解释"
    assert src.file_date == dt.date(2023, 5, 24)
    assert src.header == [] and src.body == "正文\n"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "文件为空"),
    (b"\n  \n", "文件为空"),
    ("# 标题\n\n第一条\n".encode("gbk"), "不是 UTF-8"),
    ("第一条 没有标题\n".encode(), "没有标题"),
    ("## 第一章\n\n第一条\n".encode(), "没有标题"),
])
def test_unreadable_files_say_why(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ReadProblem) as info:
        read_source(write(tmp_path, "bad.md", data), "bad.md")
    assert reason in info.value.reason


def test_ids_are_ascii_short_and_depend_on_the_path() -> None:
    long_stem = "最高人民法院、最高人民检察院关于办理伪造、贩卖伪造的高等院校学历、学位证明刑事案件如何适用法律问题的解释"
    first = make_id(f"司法解释/{long_stem}(2001-07-03).md", long_stem, dt.date(2001, 7, 3))
    assert len(first) <= 80 and first.isascii()
    assert first == make_id(f"司法解释/{long_stem}(2001-07-03).md", long_stem, dt.date(2001, 7, 3))
    assert first != make_id(f"其他/{long_stem}(2001-07-03).md", long_stem, dt.date(2001, 7, 3))
    assert make_id("a/济南市12345市民服务热线条例.md", "济南市12345市民服务热线条例", None).startswith(
        "ji-nan-shi-12345-")


def test_short_names_take_their_folder_into_the_id() -> None:
    assert make_id("民法典/总则.md", "总则", None).startswith("min-fa-dian-zong-ze-")
    assert make_id("刑法/刑法.md", "刑法", None).startswith("xing-fa-")
    assert not make_id("刑法/刑法.md", "刑法", None).startswith("xing-fa-xing-fa")

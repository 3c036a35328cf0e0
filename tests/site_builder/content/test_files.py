"""The content folder's walk refuses what must never be read or published."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.content.corpus import load_corpus
from site_builder.content.files import FileLimits, decode, read_text, scan
from site_builder.errors import ContentError

pytestmark = pytest.mark.unit

FAQ = "---\nid: {id}\ntitle: 问？\n---\n答。\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a content folder holding one FAQ, and a secret beside the project."""
    (tmp_path / "secret.txt").write_text("root:x:0:0\n", encoding="utf-8")
    root = tmp_path / "project"
    (root / "content/faqs").mkdir(parents=True)
    (root / "content/faqs/a.md").write_text(FAQ.format(id="a"), encoding="utf-8")
    return root


def limits(root: Path, **sizes: int) -> FileLimits:
    return FileLimits(roots=(root.resolve(), (root / "content").resolve()), **sizes)


def errors(root: Path, **sizes: int) -> list[str]:
    return [e.format() for e in scan(root / "content", limits(root, **sizes)).errors]


def test_a_link_to_a_file_outside_the_project_is_refused(project: Path) -> None:
    os.symlink(project.parent / "secret.txt", project / "content/faqs/leak.txt")
    os.symlink("/etc/passwd", project / "content/passwd")
    found = errors(project)
    assert found == [
        "faqs/leak.txt: 是指向项目以外的文件的符号链接，不会发布：请把需要的文件复制到项目里，不要用链接",
        "passwd: 是指向项目以外的文件的符号链接，不会发布：请把需要的文件复制到项目里，不要用链接"]
    assert "leak.txt" not in str(scan(project / "content", limits(project)).others)


def test_a_link_to_a_folder_outside_is_refused_and_not_walked(project: Path) -> None:
    outside = project.parent / "elsewhere"
    outside.mkdir()
    (outside / "x.md").write_text(FAQ.format(id="x"), encoding="utf-8")
    os.symlink(outside, project / "content/faqs/more")
    files = scan(project / "content", limits(project))
    assert [e.format() for e in files.errors] == [
        "faqs/more: 是指向项目以外的文件夹的符号链接，不会发布：请把需要的文件夹复制到项目里，不要用链接"]
    assert [rel for rel, _ in files.markdown] == ["faqs/a.md"]


def test_links_inside_the_project_are_followed(project: Path) -> None:
    (project / "shared").mkdir()
    (project / "shared/b.md").write_text(FAQ.format(id="b"), encoding="utf-8")
    os.symlink(project / "shared", project / "content/faqs/shared")
    os.symlink(project / "shared/b.md", project / "content/faqs/c.md")
    files = scan(project / "content", limits(project))
    assert files.errors == []
    assert [rel for rel, _ in files.markdown] == ["faqs/a.md", "faqs/c.md", "faqs/shared/b.md"]


def test_dangling_links_and_loops(project: Path) -> None:
    os.symlink(project / "nowhere.png", project / "content/faqs/gone.png")
    os.symlink(project / "content", project / "content/faqs/loop")
    assert errors(project) == [
        "faqs/gone.png: 符号链接指向的文件不存在：请删除这个链接或改正它",
        "faqs/loop: 这个文件夹链接指向它自己的上级文件夹，会无限循环：请删除它"]


def test_sizes_have_limits_for_text_and_for_other_files(project: Path) -> None:
    (project / "content/faqs/big.md").write_text("---\nid: big\ntitle: 问？\n---\n" + "字" * 2000,
                                                 encoding="utf-8")
    (project / "content/photo.jpg").write_bytes(b"\xff\xd8" + b"\0" * 9000)
    (project / "content/small.jpg").write_bytes(b"\xff\xd8" + b"\0" * 100)
    found = errors(project, text_bytes=4096, asset_bytes=8192)
    assert found == [
        "faqs/big.md: 文件有 6 KB，超过上限 4 KB：请拆成几个文件（上限可在 mkdocs.yml 的 tongda "
        "插件中用 files_max_text_size 调整）",
        "photo.jpg: 文件有 9 KB，超过上限 8 KB：图片请压缩；视频等大文件请放到专门的媒体服务器，"
        "页面中链接过去（上限可在 mkdocs.yml 的 tongda 插件中用 files_max_asset_size 调整）"]


def test_default_limits_are_two_and_twenty_megabytes() -> None:
    assert (FileLimits().text_bytes, FileLimits().asset_bytes) == (2 * 1024**2, 20 * 1024**2)


def test_a_named_pipe_is_refused_without_blocking(project: Path) -> None:
    os.mkfifo(project / "content/pipe.txt")
    assert errors(project) == ["pipe.txt: 不是普通文件（例如命名管道或设备），不能放在内容文件夹里"]


def test_nul_bytes_and_encodings_name_the_line(project: Path) -> None:
    data = project / "content/_data"
    data.mkdir()
    (data / "words.yml").write_bytes(b"a: 1\nb: 2\nc: \0\n")
    (data / "gbk.csv").write_bytes("名称,地址\n".encode("gbk"))
    (data / "utf16.json").write_bytes("{}".encode("utf-16"))
    found = errors(project)
    assert found[0].startswith("_data/gbk.csv:1: 不是 UTF-8 编码（看起来是 GBK/GB18030 编码）：请用 UTF-8 重新保存")
    assert found[1].startswith("_data/utf16.json:1: 不是 UTF-8 编码（看起来是 UTF-16 编码）")
    assert found[2].startswith("_data/words.yml:3: 有空字符（NUL，\\0）")


def test_a_nul_byte_in_front_matter_is_a_content_error(project: Path) -> None:
    (project / "content/faqs/a.md").write_text("---\nid: a\ntitle: \0问？\n---\n", encoding="utf-8")
    corpus = load_corpus(project / "content", limits=limits(project))
    assert len(corpus.errors) == 1
    assert corpus.errors[0].format().startswith("faqs/a.md:3: 有空字符（NUL，\\0）")


def test_decode_points_at_the_bad_byte() -> None:
    with pytest.raises(ContentError) as info:
        decode("x.md", "第一行\n第二行\n".encode() + b"\xb0\xa1\xff")
    assert info.value.line == 3


def test_hidden_files_and_excluded_assets_are_not_looked_at(project: Path) -> None:
    os.symlink("/etc/passwd", project / "content/.secret")
    (project / "content/design.psd").write_bytes(b"\0" * 10_000)
    skipped = scan(project / "content", limits(project, asset_bytes=100),
                   skip=lambda rel: rel.endswith(".psd") or rel.startswith("."))
    assert skipped.errors == []
    assert [e.path for e in scan(project / "content", limits(project, asset_bytes=100)).errors] == [
        "design.psd"]  # without a skip: hidden files left out, every other file checked
    shown = scan(project / "content", limits(project), skip=lambda rel: rel.endswith(".psd"))
    assert [e.path for e in shown.errors] == [".secret"]  # the site publishes hidden files


def test_a_file_gone_or_grown_since_the_walk_is_an_error(project: Path) -> None:
    """An editor saving while the build reads (serve): the file may be gone for a moment."""
    files = scan(project / "content", limits(project, text_bytes=200))
    rel, path = files.markdown[0]
    path.unlink()
    with pytest.raises(ContentError) as gone:
        read_text(rel, path, limits(project))
    assert gone.value.format() == "faqs/a.md: 文件在读取时不见了（也许正在保存）：保存完成后会重新检查"
    path.write_text(FAQ.format(id="a") + "长" * 200, encoding="utf-8")
    with pytest.raises(ContentError) as grown:
        read_text(rel, path, limits(project, text_bytes=200))
    assert grown.value.format().startswith("faqs/a.md: 文件超过上限")

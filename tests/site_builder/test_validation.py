"""One validation: ``tongda check`` and ``tongda build`` refuse the same things, alike.

What a careless editor and an attacker showed: a rule on an undeclared fact passed check and
failed build; check printed ``content/policies/…`` and build ``policies/…``; a link to
/etc/passwd was published byte for byte; a NUL byte gave a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import tongda

pytestmark = pytest.mark.integration


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_plugin(root: Path, plugin: str) -> None:
    edit(root / "mkdocs.yml", "plugins:\n", f"plugins:\n  - {plugin}\n")


def break_schema(root: Path) -> None:
    """Many kinds of mistake at once, in the small portal."""
    policies = root / "content/policies"
    edit(policies / "passport-law.md", "level: national", "level: planet")
    edit(policies / "city-travel-2023.md", "written: 2023-03-01", "written: 2023-02-30")
    edit(root / "content/faqs/passport-how-long.md", "title: ", "title: \0")
    (root / "content/topics/broken.md").write_text("---\nid: broken\ntitle: \"未闭合\n---\n",
                                                   encoding="utf-8")
    (root / "content/interpretations/gbk.md").write_bytes("---\nid: gbk\n---\n解读\n".encode("gbk"))
    os.symlink("/etc/passwd", policies / "leak.txt")
    edit(root / "content/services/passport-service.md", "policies: [passport-law, city-travel-2023]",
         "policies: [city-travel-2023, passport-lawx]")


def break_rules(root: Path) -> None:
    edit(root / "content/policies/rd-subsidy.md", '"var": "revenue"', '"var": "revenu"')


def break_quality(root: Path) -> None:
    add_plugin(root, "tongda-quality")
    edit(root / "content/services/passport-service.md", "fee: 每本120元",
         "fee: 每本120元\nonline: https://zwfw。linjiang.gov.cn/passport")


def break_hidden(root: Path) -> None:
    """A hidden folder the site publishes (``exclude_docs`` brings it back) is checked too."""
    (root / "content/.well-known").mkdir()
    os.symlink("/etc/passwd", root / "content/.well-known/security.txt")
    os.symlink("/etc/passwd", root / "content/.hidden.txt")  # left out, as MkDocs does
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as handle:
        handle.write("exclude_docs: |\n  !.well-known/\n")


def error_lines(text: str, *, quality: bool) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("content/")]
    return sorted(line for line in lines if not quality or "[错误 " in line)


@pytest.mark.parametrize(("fixture", "breaker", "quality", "expected"), [
    ("portal-small", break_schema, False, [
        "content/faqs/passport-how-long.md:3: 有空字符（NUL，\\0）",
        "content/interpretations/gbk.md:4: 不是 UTF-8 编码（看起来是 GBK/GB18030 编码）",
        "content/policies/city-travel-2023.md:7: written: 日期“2023-02-30”不存在：2023年2月没有30日",
        "content/policies/leak.txt: 是指向项目以外的文件的符号链接，不会发布",
        "content/policies/passport-law.md:6: level: 取值“planet”无效",
        "content/services/passport-service.md:5: policies.1: 找不到 id 为“passport-lawx”的文档；"
        "是不是“passport-law”？",
        "content/topics/broken.md:3: 引号没有闭合",
    ]),
    ("match-site", break_rules, False, [
        "content/policies/rd-subsidy.md:17: eligibility.0.logic: 未声明的事实 'revenu'"]),
    ("portal-small", break_hidden, False, [
        "content/.well-known/security.txt: 是指向项目以外的文件的符号链接"]),
    ("portal-small", break_quality, True, [
        "content/services/passport-service.md:14: online: [错误 url-invalid]"]),
])
def test_check_and_build_refuse_the_same_errors_named_alike(
        project: Callable[[str], Path], fixture: str, breaker: Callable[[Path], None],
        quality: bool, expected: list[str]) -> None:
    root = project(fixture)
    breaker(root)
    check = tongda("check", cwd=root)
    build = tongda("build", cwd=root)
    assert (check.returncode, build.returncode) == (1, 1), check.stdout + check.stderr + build.stderr
    for result in (check, build):
        assert "Traceback" not in result.stdout + result.stderr
    from_check = error_lines(check.stdout, quality=quality)
    from_build = error_lines(build.stderr, quality=quality)
    assert from_check == from_build, (check.stdout, build.stderr)
    assert len(from_check) == len(expected), from_check
    for line, start in zip(from_check, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert not (root / "site").exists()


@pytest.fixture
def built(project: Callable[[str], Path]) -> Path:
    root = project("portal-small")
    edit(root / "mkdocs.yml", "      listing_page_size: 2\n",
         "      listing_page_size: 2\n      files_max_text_size: 20000\n")
    assert tongda("build", cwd=root).returncode == 0
    return root


def _leak_file(root: Path) -> str:
    os.symlink("/etc/passwd", root / "content/policies/leak.txt")
    return "content/policies/leak.txt: 是指向项目以外的文件的符号链接，不会发布"


def _leak_folder(root: Path) -> str:
    os.symlink("/etc", root / "content/policies/etc")
    return "content/policies/etc: 是指向项目以外的文件夹的符号链接，不会发布"


def _nul(root: Path) -> str:
    edit(root / "content/policies/passport-law.md", "issuer: ", "issuer: \0")
    return "content/policies/passport-law.md:5: 有空字符（NUL，\\0）"


def _too_big(root: Path) -> str:
    (root / "content/faqs/long.md").write_text("---\nid: long\ntitle: 长？\n---\n" + "很长。" * 3000,
                                               encoding="utf-8")
    return "content/faqs/long.md: 文件有 26 KB，超过上限 20 KB"


def _not_utf8(root: Path) -> str:
    (root / "content/_data").mkdir()
    (root / "content/_data/synonyms.csv").write_bytes("出国,护照\n".encode("gbk"))
    return "content/_data/synonyms.csv:1: 不是 UTF-8 编码"


@pytest.mark.parametrize("mistake", [_leak_file, _leak_folder, _nul, _too_big, _not_utf8])
def test_build_refuses_and_keeps_the_previous_site(built: Path, mistake: Callable[[Path], str]) -> None:
    before = {p.relative_to(built / "site"): p.read_bytes()
              for p in (built / "site").rglob("*") if p.is_file()}
    expected = mistake(built)
    result = tongda("build", cwd=built)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "原网站保持不变" in result.stderr
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr
    after = {p.relative_to(built / "site"): p.read_bytes()
             for p in (built / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(built.glob("site.tongda-*"))


def test_plain_mkdocs_build_refuses_the_link_too(project: Callable[[str], Path]) -> None:
    root = project("portal-small")
    os.symlink("/etc/passwd", root / "content/policies/leak.txt")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "policies/leak.txt: 是指向项目以外的文件的符号链接" in result.stderr
    assert not (root / "site").exists()


CRASHING_HOOK = '''
def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "policies/passport-law.md":
        raise RuntimeError("插件在这一页出错")
    return markdown
'''


def test_a_plugin_crash_names_the_page_never_a_traceback(project: Callable[[str], Path]) -> None:
    root = project("portal-small")
    (root / "crash_hook.py").write_text(CRASHING_HOOK, encoding="utf-8")
    edit(root / "mkdocs.yml", "plugins:\n", "hooks:\n  - crash_hook.py\nplugins:\n")
    result = tongda("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Error reading page" not in result.stderr
    assert ("content/policies/passport-law.md: 生成这个页面时出错（RuntimeError: 插件在这一页出错）"
            in result.stderr), result.stderr
    assert not (root / "site").exists()
    check = tongda("check", "--list-rules", "--format", "json", cwd=root)
    assert check.returncode == 0


def test_a_strict_build_with_warnings_keeps_the_previous_site(built: Path) -> None:
    """MkDocs failed the strict build only after the new site had been put in place."""
    page = built / "site/faqs/passport-how-long/index.html"
    before = page.read_bytes()
    with (built / "content/faqs/passport-how-long.md").open("a", encoding="utf-8") as handle:
        handle.write("\n见[别处](../nowhere.md)。\n")
    result = tongda("build", "--strict", cwd=built)
    assert result.returncode == 1
    assert "有 1 条警告（--strict 模式），未生成网站" in result.stderr
    assert page.read_bytes() == before and not list(built.glob("site.tongda-*"))
    assert tongda("build", cwd=built).returncode == 0  # without --strict: built, warned
    assert b"nowhere" in page.read_bytes()

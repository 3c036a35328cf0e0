"""MkDocs' own log lines in Chinese, for the ``tongda`` command line.

Tongda's plugins log in Chinese; MkDocs, which runs them, logs in English. ``tongda build``
and ``tongda serve`` show MkDocs' lines through :func:`translate`, so an editor reads one
language. A line not in the table (a new MkDocs version's) is shown as MkDocs wrote it.
"""

from __future__ import annotations

import re

LEVELS = {"WARNING": "警告", "ERROR": "错误", "CRITICAL": "严重错误"}
"""Level names as the command line prints them before a message."""

_TABLE: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.S), t) for p, t in [
    (r"Documentation built in ([\d.]+) seconds", r"页面生成完毕，用时 \1 秒"),
    (r"Building documentation\.\.\.", "正在生成网站……"),
    (r"Building documentation to directory: (.*)", r"正在生成网站到：\1"),
    (r"Cleaning site directory", "正在清理网站目录"),
    (r"Doc file '([^']*)' contains a link '([^']*)', but the target '([^']*)' is not found "
     r"among documentation files\.(.*)", r"文档 \1 中的链接“\2”指向的 \3 不在内容文件中。\4"),
    (r"Doc file '([^']*)' contains a link '([^']*)', but there is no such anchor on this "
     r"page\.(.*)", r"文档 \1 中的链接“\2”指向本页不存在的锚点。\3"),
    (r"Doc file '([^']*)' contains a link '([^']*)', but the doc '([^']*)' does not contain "
     r"an anchor '([^']*)'\.", r"文档 \1 中的链接“\2”：\3 中没有锚点“\4”。"),
    (r"Doc file '([^']*)' contains an unrecognized relative link '([^']*)', it was left "
     r"as is\.(.*)", r"文档 \1 中的相对链接“\2”无法识别，已原样保留。\3"),
    (r"Doc file '([^']*)' contains an absolute link '([^']*)', it was left as is\.(.*)",
     r"文档 \1 中的绝对链接“\2”已原样保留。\3"),
    (r"Doc file '([^']*)' contains a link to '([^']*)' which is excluded from the built "
     r"site\.", r"文档 \1 链接到 \2，但该文件不会发布到网站。"),
    (r"The following pages exist in the docs directory, but are not included in the "
     r"\"nav\" configuration:(.*)", r"以下页面在内容目录中，但不在 nav 导航配置里：\1"),
    (r"A reference to '([^']*)' is included in the 'nav' configuration, which is not "
     r"found in the documentation files\.", r"nav 导航配置引用了 \1，但内容文件中没有它。"),
    (r"A reference to '([^']*)' is included in the 'nav' configuration, but this file is "
     r"excluded from the built site\.", r"nav 导航配置引用了 \1，但该文件不会发布到网站。"),
    (r"An absolute path to '([^']*)' is included in the 'nav' configuration, which "
     r"presumably points to an external resource\.", r"nav 导航配置中的绝对路径 \1 应是外部地址。"),
    (r"Excluding '([^']*)' from the site because it conflicts with '([^']*)'\.",
     r"\1 与 \2 冲突，不发布 \1。"),
    (r"Template skipped: '([^']*)' not found in theme directories\.",
     r"跳过模板 \1：主题目录中没有它。"),
    (r"Template skipped: '([^']*)' generated empty output\.", r"跳过模板 \1：生成内容为空。"),
    (r"Error reading page '([^']*)': (.*)", r"读取页面 \1 时出错：\2"),
    (r"Error building page '([^']*)': (.*)", r"生成页面 \1 时出错：\2"),
    (r"The directory contains stale files\. Use --clean to remove them\.",
     "网站目录中有过期文件。"),
    (r"Config value '([^']*)': (.*)", r"配置项 \1：\2"),
    (r"A 'dirty' build is being performed.*", "正在进行不完整（dirty）生成，导航和链接可能不准确，仅供预览。"),
    (r"Aborted with (\d+) warnings in strict mode!", r"严格模式下有 \1 条警告，已中止。"),
]]


def translate(message: str) -> str:
    """``message`` in Chinese when it is one of MkDocs' known lines, else unchanged."""
    if not message or not message[0].isascii():
        return message  # already Chinese (Tongda's own lines)
    for pattern, template in _TABLE:
        found = pattern.fullmatch(message)
        if found:
            return found.expand(template)
    return message

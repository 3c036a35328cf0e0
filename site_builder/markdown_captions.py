"""Python-Markdown extension: a ``表：…`` paragraph right before a table becomes its caption.

Markdown has no syntax for table captions, and a table without one leaves screen-reader
users guessing what it lists. Editors write the caption as a paragraph of its own directly
above the table (Pandoc's ``Table: …`` works too)::

    表：申请材料清单

    | 材料 | 份数 |
    |---|---|
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from itertools import pairwise

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

CAPTION = re.compile(r"^\s*(?:表|Table)\s*[：:]\s*(?P<text>\S.*)$", re.S)


class _Captions(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for before, table in pairwise(children):
                if before.tag != "p" or table.tag != "table" or table.find("caption") is not None:
                    continue
                match = CAPTION.match(before.text or "") if len(before) == 0 else None
                if match:
                    caption = etree.Element("caption")
                    caption.text = match.group("text").strip()
                    table.insert(0, caption)
                    parent.remove(before)


class CaptionsExtension(Extension):
    """Register the caption treeprocessor after the tables are built."""

    def extendMarkdown(self, md: Markdown) -> None:  # the name is Markdown's API
        md.treeprocessors.register(_Captions(md), "tongda_table_captions", 5)


def makeExtension(**kwargs: object) -> CaptionsExtension:  # the name is Markdown's API
    return CaptionsExtension(**kwargs)

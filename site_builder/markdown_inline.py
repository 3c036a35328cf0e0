"""Python-Markdown extension: text that no inline pattern can match is not offered to them.

Python-Markdown tries each inline pattern (code, links, emphasis, HTML, entities …) on
every run of text, one regular expression and several Python calls per pattern: about
half of the time it takes to render a law, whose paragraphs are plain Chinese text with no
Markdown inline syntax at all. Every pattern Python-Markdown and its footnotes extension
register needs one of a few characters (a backtick, a backslash, ``[``, ``<``, ``&``,
``*`` or ``_``) or two spaces before a line break; a text with none of them comes out of
the patterns unchanged, so it is returned as it is.

The shortcut only runs when every registered inline pattern is one listed in
:data:`KNOWN` with the same regular expression: another extension's pattern (or another
Markdown version's) turns it off for the whole document, and the output is Python-
Markdown's own either way.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import InlineProcessor

#: Inline patterns (registered name: regular expression) whose every match holds a
#: character or sequence :data:`TRIGGER` finds (Python-Markdown 3.x and its footnotes).
KNOWN = {
    "backtick": r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)",
    "escape": r"\\(.)",
    "footnote": r"\[\^([^\]]*)\]",
    "reference": r"(?<!\!)\[",
    "link": r"(?<!\!)\[",
    "image_link": r"\!\[",
    "image_reference": r"\!\[",
    "short_reference": r"(?<!\!)\[",
    "short_image_ref": r"\!\[",
    "autolink": r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
    "automail": r"<([^<> !]+@[^@<> ]+)>",
    "linebreak": r"  \n",
    "html": (r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|"""
             r"""'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|"""
             r"""[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""),
    "entity": r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)",
    "em_strong": r"\*|_",
}
#: What any match of a :data:`KNOWN` pattern contains.
TRIGGER = re.compile(r"[`\\\[<&*_]|  \n")


def shortcut_applies(md: Markdown) -> bool:
    """Whether every inline pattern of ``md`` is a :data:`KNOWN` one."""
    patterns = md.inlinePatterns
    present = [name for name in KNOWN if name in patterns]
    return len(present) == len(patterns) and all(
        getattr(patterns[name], "pattern", None) == KNOWN[name] for name in present)


class _InlineSkippingPlainText(InlineProcessor):
    """Python-Markdown's ``inline`` tree processor, skipping texts no pattern can match."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.shortcut = False

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self.shortcut = shortcut_applies(self.md)
        return super().run(tree, ancestors)

    # InlineProcessor calls its private ``__handleInline`` for every text (and again for
    # the text inside what a pattern made); this is that method under its mangled name.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.shortcut and TRIGGER.search(data) is None:
            return data
        handle: Any = super()._InlineProcessor__handleInline  # type: ignore[misc]
        return handle(data, patternIndex)  # type: ignore[no-any-return]


class InlineShortcutExtension(Extension):
    """Registers the tree processor in place of Python-Markdown's ``inline`` (priority 20)."""

    def extendMarkdown(self, md: Markdown) -> None:  # the name is Markdown's API
        md.treeprocessors.register(_InlineSkippingPlainText(md), "inline", 20)


def makeExtension(**kwargs: Any) -> InlineShortcutExtension:  # the name is Markdown's API
    return InlineShortcutExtension(**kwargs)

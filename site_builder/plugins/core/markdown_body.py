"""Small, pure transformations of a document's Markdown before rendering."""

from __future__ import annotations

import re

_H1 = re.compile(r"^#[ \t]+\S.*$", re.MULTILINE)


def without_title(markdown: str) -> str:
    """Drop the body's leading H1 (the template shows the title) and demote later H1s.

    A page has exactly one ``h1``; imported laws repeat the title as ``# …`` on line 1,
    and the 民法典 parts carry a second H1 as a subtitle.
    """
    stripped = markdown.lstrip("\ufeff\n\r ")
    match = _H1.match(stripped)
    if match:
        stripped = stripped[match.end():]
    return _H1.sub(lambda m: "#" + m.group(0), stripped)

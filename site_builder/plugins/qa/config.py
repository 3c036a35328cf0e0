"""Options of the ``tongda-qa`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class QaConfig(Config):
    """The 智能问答 page and ``api/qa/site.json`` (facts and links for the Q&A function)."""

    enabled = c.Type(bool, default=True)
    """Generate the page and the facts file."""

    api_path = c.Type(str, default="api/qa/")
    """Site path the Q&A function answers on (``tongda serve`` mounts it there); the facts
    file is written there as ``site.json``."""

    page_path = c.Type(str, default="qa/")
    """Site path of the 智能问答 page."""
    page_title = c.Type(str, default="智能问答")
    """Title of the page (and its entry in the navigation)."""

    links_faqs = c.Type(str, default="faqs/")
    """The FAQ list (the page's plain link, and where "暂时回答不了" points)."""
    links_complaint = c.Type(str, default="complaint/")
    """The 随手拍 form that complaints are led to."""
    links_search = c.Type(str, default="search/")
    """The search page (the panel offers "在站内搜索" with the same question)."""
    links_calculator = c.Optional(c.Type(str))
    """The policy calculator's page, offered as a next step for policies with eligibility
    rules (default: none; the demo sets ``calculator/``)."""

    data_complaint = c.Type(str, default="_data/complaint.yml")
    """The 随手拍 problems (names), relative to ``docs_dir``: a question naming one is a complaint."""

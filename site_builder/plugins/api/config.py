"""Options of the ``tongda-api`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class ApiConfig(Config):
    """The static open-data API (政策数据开放平台)."""

    enabled = c.Type(bool, default=True)
    """Write ``api/v1/`` (paged lists, one file per document, ``openapi.json``)."""

    api_path = c.Type(str, default="api/v1/")
    """Site folder of the API; every URL in the files is relative to it."""
    api_page_size = c.Type(int, default=100)
    """Documents per page of a collection."""
    api_body = c.Type(bool, default=True)
    """Include each document's Markdown text in its own file."""
    api_title = c.Type(str, default="政策数据开放接口")
    """Title of the OpenAPI description."""
    api_page_enabled = c.Type(bool, default=True)
    """Write a page for people at ``api/v1/`` (the data sets, how to read them)."""

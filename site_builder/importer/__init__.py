"""Import folders of plain Markdown documents (laws, regulations) as Tongda policies."""

from __future__ import annotations

from .pipeline import ImportReport, import_folder

__all__ = ["ImportReport", "import_folder"]

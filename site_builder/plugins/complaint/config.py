"""Options of the ``tongda-complaint`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class ComplaintConfig(Config):
    """The 随手拍 pages: report form, the reporter's status page, recent reports."""

    enabled = c.Type(bool, default=True)
    """Generate the pages and copy the catalog for the complaint function."""

    data_services = c.Type(str, default="_data/complaint.yml")
    """Jurisdiction, teams and services (with their attributes), relative to ``docs_dir``."""
    data_grid = c.Type(str, default="_data/complaint-grid.geojson")
    """The city's boundary and grid cells (GeoJSON), relative to ``docs_dir``."""
    data_output = c.Type(str, default="api/complaint/")
    """Where the build copies both files, for the function deployed beside the site."""

    api_path = c.Type(str, default="api/complaint/")
    """Site path the complaint function answers on (``tongda serve`` mounts it there)."""

    page_form = c.Type(str, default="complaint/")
    """Site path of the report form."""
    page_status = c.Type(str, default="complaint/status/")
    """Site path of the reporter's status page (the link given after submitting)."""
    page_recent = c.Type(str, default="complaint/recent/")
    """Site path of the public list of recent reports."""
    page_title = c.Type(str, default="随手拍")
    """Title of the report form (and its entry in the navigation)."""

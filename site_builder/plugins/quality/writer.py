"""Write the report into the site: the theme page, the JSON, the standalone HTML and the CSS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from site_builder.quality.render import render_body, stylesheet, write_standalone
from site_builder.quality.report import write_json

TEMPLATE = "report.html"
TITLE = "质量与构建报告"


class ReportWriter:
    """Writes ``index.html`` (theme look), ``quality.json``, ``report.css`` and the CI file."""

    def __init__(self, folder: Path, standalone: str = "quality.html") -> None:
        self.folder = folder
        self.standalone = standalone

    def write(self, report: dict[str, Any], *, env: Any, config: MkDocsConfig, nav: Any,
              files: Any, page_urls: dict[str, str]) -> None:
        """Write every report file; the page uses the theme when its template exists."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json(report, self.folder / "quality.json")
        if self.standalone:
            write_standalone(report, self.folder, self.standalone)
        else:
            (self.folder / "report.css").write_text(stylesheet(), encoding="utf-8")
        body = render_body(report, page_urls=page_urls, base="../")
        html = self._themed(body, report, env, config, nav, files)
        (self.folder / "index.html").write_text(html, encoding="utf-8")

    def _themed(self, body: str, report: dict[str, Any], env: Any, config: MkDocsConfig,
                nav: Any, files: Any) -> str:
        from jinja2 import TemplateNotFound
        from mkdocs.commands.build import get_context

        if env is None or nav is None or files is None:
            return _plain(body)
        try:
            template = env.get_template(TEMPLATE)
        except TemplateNotFound:
            return _plain(body)
        context = get_context(nav, files, config, page=None, base_url="..")
        values: dict[str, Any] = {**context, "report_html": body, "report": report,
                                  "report_title": TITLE}
        return str(template.render(values))


def _plain(body: str) -> str:
    from site_builder.quality.render import _env

    return _env().get_template("standalone.html").render(report={}, body=body, css_href="report.css")

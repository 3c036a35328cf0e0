"""ASGI entry points for deployments without the site builder.

A container serving the built site and every function on one origin (the same app as
``tongda serve``, without rebuilding)::

    uvicorn --factory functions.asgi:create_portal --no-proxy-headers --host 0.0.0.0 --port 8000

reads the built site from ``TONGDA_SITE_DIR`` (default ``site``) and storage from
``DATABASE_URL``. ``--no-proxy-headers`` keeps uvicorn from trusting ``X-Forwarded-For``
itself: the runtime reads it from ``TONGDA_TRUSTED_PROXIES`` only. A function alone is ``functions.<name>.app:app`` under uvicorn, or
``functions.<name>.app.handler`` on AWS Lambda (Mangum). See ``docs/deploy.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.types import ASGIApp

from functions.runtime.server import build_app


def create_portal() -> ASGIApp:
    """The built site in ``TONGDA_SITE_DIR`` and every function under ``/api/<name>/``."""
    site = Path(os.environ.get("TONGDA_SITE_DIR", "site"))
    if not (site / "index.html").is_file():
        raise SystemExit(f"TONGDA_SITE_DIR={site} 不是生成好的网站（缺少 index.html）："
                         "请先用 tongda build 生成网站，或把网站目录指给 TONGDA_SITE_DIR")
    return build_app(site)

"""The Q&A function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

from functions.runtime.factory import create_function_app
from functions.runtime.settings import Settings, site_dir_from_env
from functions.runtime.wordfilter import WordFilter

from .service import Clock, utc_now
from .store import MIGRATIONS


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None,
               clock: Clock = utc_now, words: WordFilter | None = None) -> FastAPI:
    """Create the Q&A app.

    Args:
        settings: Runtime settings (default: from the environment).
        site_dir: The built site, whose search index it answers from (default
            ``TONGDA_SITE_DIR``, else ``site``).
        clock: The current time.
        words: The sensitive-word filter (default: ``TONGDA_SENSITIVE_WORDS``).
    """
    from .routes import router

    app = create_function_app(
        name="qa", title="智能问答", version="1.0.0",
        description="用群众自己的话提问，从本站的政策、解读、办事指南和常见问题中回答（与站内搜索同一个索引、"
                    "同一种排序）；问题含糊时反问，答不了时转人工（咨询员答复）；满意度评价在网站生成时调整排序。",
        routers=[router], settings=settings, migrations=MIGRATIONS)
    app.state.qa_site_dir = site_dir or Path(os.environ.get("TONGDA_SITE_DIR", "site"))
    app.state.qa_clock = clock
    app.state.qa_words = words
    app.state.qa_answerer = None
    app.state.qa_service = None
    return app



app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

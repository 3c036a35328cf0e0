"""The engage function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

from functions.apply.config import identity_from_env
from functions.apply.identity import Identity
from functions.runtime.factory import create_function_app
from functions.runtime.settings import Settings, site_dir_from_env
from functions.runtime.wordfilter import WordFilter

from .config import EngageSettings
from .consult_routes import router as consult_router
from .routes import router
from .service import Clock, utc_now
from .store import MIGRATIONS


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None,
               engage_settings: EngageSettings | None = None, clock: Clock = utc_now,
               identity: Identity | None = None, words: WordFilter | None = None) -> FastAPI:
    """Create the engage app.

    Args:
        settings: Runtime settings (default: from the environment).
        site_dir: The built site (default ``TONGDA_SITE_DIR``).
        engage_settings: The function's own settings (default: from the environment).
        clock: The current time (tests move it past a deadline).
        identity: How callers are recognised (default: local tokens, plus OpenID Connect
            when ``TONGDA_OIDC_ISSUER`` is set, as for applications).
        words: The sensitive-word filter (default: ``TONGDA_SENSITIVE_WORDS``).
    """
    own = engage_settings or EngageSettings.from_env(site_dir=site_dir)
    app = create_function_app(
        name="engage", title="政策找企业", version="1.0.0",
        description="政策订阅与匹配推送（邮件、签名的 Webhook，可接短信、微信）、一键退订；"
                    "征求意见稿的意见征集、审核与截止后的汇总。",
        routers=[router, consult_router], settings=settings, migrations=MIGRATIONS)
    app.state.engage_settings = own
    app.state.engage_clock = clock
    app.state.engage_identity = identity or identity_from_env()
    app.state.engage_words = words
    return app



app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

"""The applications function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

from functions.runtime.factory import Runtime, create_function_app
from functions.runtime.limits import RouteLimit
from functions.runtime.settings import Settings, site_dir_from_env

from .config import ApplySettings, identity_from_env
from .identity import Identity
from .routes import router
from .rules import seed_rules
from .schemas import APPLICATION_MAX_BYTES
from .service import Clock, TrustedFactory, utc_now
from .store import MIGRATIONS


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None,
               apply_settings: ApplySettings | None = None, clock: Clock = utc_now,
               trusted: TrustedFactory | None = None,
               identity: Identity | None = None) -> FastAPI:
    """Create the applications app.

    Args:
        settings: Runtime settings (default: from the environment).
        site_dir: The built site, for its catalog and rules (default ``TONGDA_SITE_DIR``).
        apply_settings: The function's own settings (default: from the environment).
        clock: The current time (tests move it to see due dates pass).
        trusted: Makes the trusted-data adapter (default: per ``apply_settings``).
        identity: How callers are recognised (default: local tokens, plus OpenID Connect
            when ``TONGDA_OIDC_ISSUER`` is set).
    """
    own = apply_settings or ApplySettings.from_env(site_dir=site_dir)

    def ready(runtime: Runtime) -> None:
        # The rules in force are the match function's revisions (one database or its own).
        seed_rules(runtime.engine, own.site_dir)

    app = create_function_app(
        name="apply", title="在线申请", version="1.0.0",
        description="惠企惠民补贴在线申请：能由共享数据核验的当场批准并生成支付指令（秒报秒批秒付），"
                    "其余在承诺时限内人工审核；免申即享；支付指令外发；公开的办理统计。",
        routers=[router], settings=settings, migrations=MIGRATIONS, on_ready=ready,
        # Every body the schema allows fits, so a valid application is never refused as
        # too large (413) and an oversized one is refused before it is read.
        limits={"POST /applications": RouteLimit(max_bytes=APPLICATION_MAX_BYTES)})
    app.state.apply_settings = own
    app.state.apply_clock = clock
    app.state.apply_trusted = trusted
    app.state.apply_identity = identity or identity_from_env()
    return app



app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

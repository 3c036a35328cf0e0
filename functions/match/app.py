"""The match function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

from functions.runtime.factory import Runtime, create_function_app
from functions.runtime.settings import Settings

from .routes import router
from .store import MIGRATIONS, MatchStore, digest_of

RULES_FILE = Path("api/match/rules.json")


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None) -> FastAPI:
    """Create the match app; with ``site_dir``, publish the site's rules when they changed."""
    def seed(runtime: Runtime) -> None:
        path = site_dir / RULES_FILE if site_dir else None
        if path is None or not path.is_file():
            return
        document = json.loads(path.read_text(encoding="utf-8"))
        store = MatchStore(runtime.engine)
        current = store.get(with_document=False)
        if current is None or current.digest != digest_of(document):
            store.publish(document, actor="system:site")

    return create_function_app(
        name="match", title="政策匹配", version="1.0.0",
        description="按企业或个人画像匹配惠企惠民政策：每项条件是否满足、匹配度、可得金额（分）和办理指南。",
        routers=[router], settings=settings, migrations=MIGRATIONS, on_ready=seed,
        large_bodies={"/rulesets": 16 * 1024 * 1024})


app = create_app()
handler = Mangum(app)

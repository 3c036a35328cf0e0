"""The match function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum
from tongda_rules import ruleset_problems

from functions.runtime.factory import Runtime, create_function_app
from functions.runtime.limits import RouteLimit
from functions.runtime.settings import Settings, site_dir_from_env

from .routes import router
from .store import MIGRATIONS, MatchStore

RULES_FILE = Path("api/match/rules.json")
log = logging.getLogger("tongda.functions.match")


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None) -> FastAPI:
    """Create the match app; with ``site_dir``, publish the site's rules when they changed.

    The site's rules become a new revision only when they differ from what the site last
    published (not from the revision in force): a restart or a cold start never replaces
    a revision staff published since.
    """
    def seed(runtime: Runtime) -> None:
        path = site_dir / RULES_FILE if site_dir else None
        if path is None or not path.is_file():
            return
        document = json.loads(path.read_text(encoding="utf-8"))
        problems = ruleset_problems(document)
        if problems:  # the build refuses these; a hand-edited file must not break /match
            log.error("站点的 %s 有误，未发布：%s", RULES_FILE, "；".join(problems[:5]))
            return
        MatchStore(runtime.engine).publish_site(document)

    return create_function_app(
        name="match", title="政策匹配", version="1.0.0",
        description="按企业或个人画像匹配惠企惠民政策：每项条件是否满足、匹配度、可得金额（分）和办理指南。",
        routers=[router], settings=settings, migrations=MIGRATIONS, on_ready=seed,
        limits={"POST /rulesets": RouteLimit(max_bytes=16 * 1024 * 1024, max_depth=64,
                                             role="match:publish")})



app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

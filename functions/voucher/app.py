"""The voucher function: ASGI app (uvicorn, ``tongda serve``) and AWS Lambda handler."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

from functions.runtime.factory import Runtime, create_function_app
from functions.runtime.settings import Settings, site_dir_from_env

from .catalogue import Catalogue, CatalogueError, RegistryProvider
from .config import VoucherConfig
from .keys import VoucherKeys
from .publish import Publisher
from .routes import router
from .service import IdentityCheck, VoucherService
from .store import MIGRATIONS

log = logging.getLogger("tongda.functions.voucher")


def create_app(settings: Settings | None = None, *, site_dir: Path | None = None,
               config: VoucherConfig | None = None,
               identity: IdentityCheck | None = None) -> FastAPI:
    """Create the voucher app.

    Args:
        settings: Runtime settings (default: from the environment).
        site_dir: A built site beside the function (``tongda serve``): the DID document,
            status lists and checkpoint are written into it as they change.
        config: The function's own configuration (default: from the environment).
        identity: The identity step (default: simulated, for local use).
    """
    own = config or VoucherConfig.from_env()
    runtime_settings = settings or Settings.from_env()

    def ready(runtime: Runtime) -> None:
        roots = [own.state_dir / "public", *([site_dir] if site_dir else [])]
        try:
            catalogue = Catalogue.load(own.data_dir / "voucher" / "catalogue.yml")
            provider = RegistryProvider(own.data_dir)
        except CatalogueError as exc:
            # Without its data the function can do nothing; it says why on every request
            # (503) instead of failing each one with a traceback.
            log.error("数据凭证函数未能启动：%s", exc)
            app.state.voucher_unavailable = f"{exc}（请设置 TONGDA_VOUCHER_DATA）"
            return
        service = VoucherService(
            runtime.engine, own, VoucherKeys.load(own), catalogue, provider, identity=identity,
            publisher=Publisher(roots), heads_file=runtime_settings.audit_heads_file)
        app.state.voucher_service = service
        service.anchor_audit()
        service.publish_all()

    app = create_function_app(
        name="voucher", title="个人数据资产凭证", version="1.0.0",
        description="市民授权银行等请求方查看本人政务数据报告：W3C 可验证凭证（eddsa-jcs-2022）签发，"
                    "每次请求、授权、拒绝、签发、取回和撤销都记入 RFC 9162 透明日志，可在门户离线核验。",
        routers=[router], settings=runtime_settings, migrations=MIGRATIONS, on_ready=ready)
    return app



app = create_app(site_dir=site_dir_from_env())
handler = Mangum(app)

"""Options of the ``tongda-voucher`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class VoucherConfig(Config):
    """The verifier page and the files the voucher function publishes."""

    enabled = c.Type(bool, default=True)
    """Write the verifier page and copy the published files."""

    voucher_dir = c.Type(str, default="var/voucher")
    """The voucher function's folder (``TONGDA_VOUCHER_DIR``), relative to ``mkdocs.yml``:
    the ``.well-known/did.json`` and ``voucher/data/`` its ``public/`` holds are copied
    into the site, so every copy of the site carries the keys and witnesses a checkpoint.
    A missing folder (the function never ran) only leaves them out."""

    page_enabled = c.Type(bool, default=True)
    """Generate the verifier page."""
    page_path = c.Type(str, default="voucher/")
    """Site path of the verifier page."""
    page_title = c.Type(str, default="数据凭证核验")
    """Title of the verifier page (and its entry in the default nav)."""
    page_fallback = c.Optional(c.Type(str))
    """Path to ``@noble/ed25519``'s ``index.js`` (loaded only by browsers without
    WebCrypto Ed25519); by default ``node_modules/@noble/ed25519/index.js`` next to
    ``mkdocs.yml``, in a parent folder or in Tongda's checkout."""

    mine_enabled = c.Type(bool, default=True)
    """Generate the citizen's page (requests to decide, my vouchers, every access)."""
    mine_path = c.Type(str, default="voucher/mine/")
    """Site path of the citizen's page."""
    mine_title = c.Type(str, default="我的数据凭证")
    """Title of the citizen's page."""

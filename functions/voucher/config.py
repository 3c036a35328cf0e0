"""Where the voucher function's keys, data and public files are, and how it names itself.

Everything comes from the environment (twelve-factor), with defaults for the demo portal
served by ``tongda serve`` on ``http://127.0.0.1:8000/``:

- ``TONGDA_VOUCHER_BASE_URL``: the portal's address; the issuer is ``did:web`` of its host
  and the log's origin is ``<host>/api/voucher/log``.
- ``TONGDA_VOUCHER_DIR``: keys and published files (default ``var/voucher``).
- ``TONGDA_VOUCHER_DATA``: the data catalogue and the registry (default ``content/_data``).
- ``TONGDA_VOUCHER_ISSUER_KEY``, ``TONGDA_VOUCHER_LOG_KEY``: the Ed25519 keys (PEM or a
  base64 seed) for deployments that keep secrets outside the file system;
  ``TONGDA_VOUCHER_PSEUDONYM_KEY``: the secret (base64, 32 bytes) of subject pseudonyms.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .did import did_web

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class VoucherConfig:
    """The voucher function's configuration.

    Attributes:
        base_url: The portal's address, ending in ``/``.
        state_dir: Keys (created 0600 on first use) and ``public/`` (what the site publishes).
        data_dir: The folder holding ``voucher/catalogue.yml``, ``voucher/records.yml``
            and ``registry/residents.yml``.
        default_days: Days a voucher is valid when the request does not say.
        max_days: The longest validity a requester may ask for.
        secrets: Keys given by the environment (names as in the module docstring).
    """

    base_url: str = DEFAULT_BASE_URL
    state_dir: Path = Path("var/voucher")
    data_dir: Path = Path("content/_data")
    default_days: int = 30
    max_days: int = 90
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> VoucherConfig:
        """Read the configuration from the environment."""
        env = os.environ if env is None else env
        var = Path(env.get("TONGDA_VAR_DIR", "var"))
        base = env.get("TONGDA_VOUCHER_BASE_URL", DEFAULT_BASE_URL)
        return cls(base_url=base if base.endswith("/") else base + "/",
                   state_dir=Path(env.get("TONGDA_VOUCHER_DIR") or var / "voucher").resolve(),
                   data_dir=Path(env.get("TONGDA_VOUCHER_DATA", "content/_data")).resolve(),
                   secrets={k: v for k, v in env.items() if k.startswith("TONGDA_VOUCHER_")
                            and k.endswith("_KEY") and v})

    def with_(self, **changes: object) -> VoucherConfig:
        """A copy with some fields changed (tests, benchmarks)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def host(self) -> str:
        """The portal's host (with its port, if any)."""
        return urlsplit(self.base_url).netloc

    @property
    def did(self) -> str:
        """The issuer's ``did:web``."""
        return did_web(self.host)

    @property
    def log_origin(self) -> str:
        """The transparency log's checkpoint origin."""
        return f"{self.host}/api/voucher/log"

    @property
    def api_url(self) -> str:
        """The function's own address."""
        return self.base_url + "api/voucher/"

    def status_url(self, list_id: int) -> str:
        """The live status list credential (the function answers it)."""
        return f"{self.api_url}status/{list_id}"

    def report_url(self, voucher_id: str) -> str:
        """Where the authorised requester fetches a voucher's report."""
        return f"{self.api_url}vouchers/{voucher_id}/report"

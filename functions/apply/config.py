"""Where the applications function finds its data, from the environment (twelve-factor style).

- ``TONGDA_SITE_DIR``: the built site; its ``api/apply/catalog.json`` (policies, materials,
  time limits, the holiday calendar) and ``api/match/rules.json`` (the rules).
- ``TONGDA_TRUSTED_DATA_URL``: the data-sharing service (production), with an optional
  ``TONGDA_TRUSTED_DATA_TOKEN``; without it, the fictional registry in
  ``TONGDA_REGISTRY_DIR`` (default ``content/_data/registry``).
- ``TONGDA_OIDC_ISSUER`` and ``TONGDA_OIDC_AUDIENCE`` (and optionally
  ``TONGDA_OIDC_SUBJECT_CLAIM``, ``TONGDA_OIDC_NAME_CLAIM``): the OpenID Connect provider
  applicants sign in with (see :mod:`.oidc`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from tongda_rules import Fact

from functions.runtime.settings import site_dir_from_env

from .catalog import CATALOG_FILE, CatalogFile
from .identity import Identity, oidc_from_env
from .rules import PublishedRules
from .service import ApplyService, Clock, TrustedFactory, utc_now
from .trusted import HttpTrustedData, RegistryData, TrustedData

DEFAULT_REGISTRY = Path("content/_data/registry")


@dataclass(frozen=True)
class ApplySettings:
    """The applications function's own settings.

    Attributes:
        site_dir: The built site (``None``: no catalog, so no policy takes applications).
        registry_dir: The fictional registry, used when no data-sharing service is set.
        trusted_url: The data-sharing service's base URL.
        trusted_token: Its bearer token.
    """

    site_dir: Path | None = None
    registry_dir: Path = DEFAULT_REGISTRY
    trusted_url: str | None = None
    trusted_token: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 site_dir: Path | None = None) -> ApplySettings:
        """Read the settings; an explicit ``site_dir`` wins over ``TONGDA_SITE_DIR``."""
        env = os.environ if env is None else env
        site = site_dir or site_dir_from_env(env)
        return cls(site_dir=site,
                   registry_dir=Path(env.get("TONGDA_REGISTRY_DIR") or DEFAULT_REGISTRY),
                   trusted_url=env.get("TONGDA_TRUSTED_DATA_URL") or None,
                   trusted_token=env.get("TONGDA_TRUSTED_DATA_TOKEN") or None)

    def trusted_factory(self) -> TrustedFactory:
        """How the trusted-data adapter is made for a rule set's declared facts."""
        def make(facts: Mapping[str, Mapping[str, Fact]]) -> TrustedData:
            if self.trusted_url:
                return HttpTrustedData(self.trusted_url, facts, token=self.trusted_token)
            return RegistryData(self.registry_dir, facts)
        return make

    def catalog(self) -> CatalogFile:
        """The site's catalog file."""
        return CatalogFile(self.site_dir / CATALOG_FILE if self.site_dir else None)


def build_service(engine: Engine, settings: ApplySettings, *, clock: Clock = utc_now,
                  trusted: TrustedFactory | None = None) -> ApplyService:
    """The service over ``engine`` with the settings' data sources."""
    return ApplyService(engine, PublishedRules(engine), settings.catalog(),
                        trusted or settings.trusted_factory(), clock)


def identity_from_env(env: Mapping[str, str] | None = None) -> Identity:
    """Local tokens, plus the OpenID Connect provider when one is configured."""
    return Identity(oidc_from_env(env))

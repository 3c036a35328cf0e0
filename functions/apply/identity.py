"""Who is asking: applicants and staff, from a local token or an OpenID Connect ID token.

Every route asks :class:`Identity` for the :class:`Principal` behind the request's
``Authorization`` header. Two ways in:

- a local token (``tongda token create NAME --role applicant --subject ID``; staff get
  ``--role reviewer`` or ``--role payments``), checked by the functions runtime;
- an ID token from the OpenID Connect provider the portal signs in with (configured by
  URL, see :mod:`.oidc`): its holder is an applicant whose subject is the token's claim.

The applicant's subject always comes from here, never from a request body.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from functions.runtime import auth
from functions.runtime.problems import Problem

from .oidc import OidcError, OidcVerifier
from .roles import APPLICANT

_INVALID = {"WWW-Authenticate": 'Bearer realm="tongda", error="invalid_token"'}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    Attributes:
        actor: How the audit log names them (``token:<id>:<name>`` or ``oidc:<sub>``).
        name: A name people read.
        roles: Their roles.
        subject: The enterprise or person they act for (applicants).
    """

    actor: str
    name: str
    roles: frozenset[str]
    subject: str | None = None

    def has(self, role: str) -> bool:
        """Whether the caller holds ``role`` (``admin`` holds every role)."""
        return role in self.roles or "admin" in self.roles

    def has_any(self, roles: tuple[str, ...]) -> bool:
        """Whether the caller holds one of ``roles``."""
        return any(self.has(r) for r in roles)


def from_staff(staff: auth.Staff) -> Principal:
    """The principal of a runtime token."""
    return Principal(staff.actor, staff.name, staff.roles, staff.subject)


def oidc_from_env(env: Mapping[str, str] | None = None) -> OidcVerifier | None:
    """The OpenID Connect verifier configured by ``TONGDA_OIDC_ISSUER`` (``None`` without).

    ``TONGDA_OIDC_AUDIENCE`` is the portal's client id; ``TONGDA_OIDC_SUBJECT_CLAIM`` and
    ``TONGDA_OIDC_NAME_CLAIM`` name the claims holding the subject id and the name.
    """
    env = os.environ if env is None else env
    issuer = env.get("TONGDA_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    audience = env.get("TONGDA_OIDC_AUDIENCE", "").strip()
    if not audience:
        raise ValueError("设置了 TONGDA_OIDC_ISSUER 时还须设置 TONGDA_OIDC_AUDIENCE（本门户在身份认证平台的 client_id）")
    return OidcVerifier(issuer, audience,
                        subject_claim=env.get("TONGDA_OIDC_SUBJECT_CLAIM", "sub").strip() or "sub",
                        name_claim=env.get("TONGDA_OIDC_NAME_CLAIM", "name").strip() or "name")


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith("tdk_")


class Identity:
    """Resolves the ``Authorization`` header to a :class:`Principal` or a 401 problem.

    Args:
        oidc: The provider's verifier, when the portal signs in through one.
    """

    def __init__(self, oidc: OidcVerifier | None = None) -> None:
        self.oidc = oidc

    def principal(self, engine: Engine, header: str | None) -> Principal:
        """The caller, or raise a 401 problem."""
        scheme, _, credentials = (header or "").strip().partition(" ")
        credentials = credentials.strip()
        if self.oidc is not None and scheme.lower() == "bearer" and _looks_like_jwt(credentials):
            return self._oidc(credentials)
        return from_staff(auth.authenticate(engine, header))

    def _oidc(self, token: str) -> Principal:
        assert self.oidc is not None
        try:
            claims: dict[str, Any] = self.oidc.verify(token)
        except OidcError as exc:
            status = 503 if exc.reason in ("unavailable", "config") else 401
            raise Problem(status, f"登录凭证未通过核验：{exc}", headers=_INVALID,
                          reason=exc.reason) from exc
        subject = str(claims[self.oidc.subject_claim])
        name = str(claims.get(self.oidc.name_claim) or subject)
        actor = f"oidc:{claims.get('sub') or subject}"[:200]
        return Principal(actor, name[:200], frozenset({APPLICANT}), subject)

"""What every complaint route needs: the service, the workflow and who is asking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from functions.runtime import auth
from functions.runtime.clients import ClientResolver
from functions.runtime.problems import Problem

from .catalog import Catalog
from .service import ComplaintService, Limits
from .store import ComplaintStore
from .workflow import Actor, Workflow


@dataclass
class Context:
    """The app's catalog and settings; the service is made on first use (lazy storage)."""

    catalog: Catalog | None
    limits: Limits
    clock: Callable[[], dt.datetime] | None = None
    service: ComplaintService | None = None
    workflow: Workflow | None = None
    missing: str = ""
    """Why there is no catalog (the services or grid file is missing or wrong)."""


def context(request: Request) -> Context:
    """The complaint context of the app serving ``request``."""
    return request.app.state.complaint  # type: ignore[no-any-return]


def service_of(request: Request) -> ComplaintService:
    """The app's :class:`ComplaintService` (one per app)."""
    ctx = context(request)
    if ctx.catalog is None:
        raise Problem(503, f"随手拍尚未配置，暂不能使用：{ctx.missing}", title="服务暂不可用")
    if ctx.service is None:
        ctx.service = ComplaintService(ctx.catalog, ComplaintStore(request.app.state.runtime.engine),
                                       limits=ctx.limits, clock=ctx.clock)
    return ctx.service


def workflow_of(request: Request) -> Workflow:
    """The app's :class:`Workflow`."""
    ctx = context(request)
    if ctx.workflow is None:
        ctx.workflow = Workflow(service_of(request))
    return ctx.workflow


def base_url(request: Request) -> str:
    """The function's absolute URL, ending in ``/`` (the portal's mount included)."""
    return str(request.base_url)


def client_address(request: Request) -> str:
    """The client's address as the runtime counts it (trusted proxies honoured)."""
    settings = request.app.state.runtime.settings
    return ClientResolver(settings.trusted_proxies, settings.forwarded_header).client(request.scope)


def actor_of(staff: auth.Staff) -> Actor:
    """The workflow's view of a staff token: its audit name and its team (subject)."""
    return Actor(name=staff.actor, team=staff.subject)

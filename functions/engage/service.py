"""The engage function's parts over one database and one built site (no HTTP here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from functions.runtime.db import utc_now
from functions.runtime.wordfilter import WordFilter

from .channels import Channel, channels_from
from .config import EngageSettings
from .consult import Consultations
from .deliver import Deliverer, DeliveryReport, Hook, make_digests
from .notify import PlanReport, plan
from .site import SiteData, SiteUnavailable
from .subscriptions import Subscriptions

Clock = Callable[[], dt.datetime]


@dataclass
class Engage:
    """Subscriptions, consultations and the notifier, sharing storage, site and clock."""

    engine: Engine
    settings: EngageSettings
    site: SiteData
    subscriptions: Subscriptions
    consultations: Consultations
    clock: Clock

    def site_name(self) -> str:
        """The portal's name, as the sender of notices."""
        try:
            name = self.site.policies_document().get("site_name")
        except SiteUnavailable:
            name = None
        return name if isinstance(name, str) and name else "政策服务门户"

    def plan(self) -> PlanReport:
        """Plan the notices of the site's new and changed policies."""
        return plan(self.engine, self.site, self.clock)

    def deliver(self, *, channels: dict[str, Channel] | None = None, lease: float = 120.0,
                limit: int | None = None, hook: Hook | None = None) -> DeliveryReport:
        """Make due digests, then send every due message."""
        digests = make_digests(self.engine, self.clock(), self.settings.digest_hour)
        deliverer = Deliverer(self.engine, channels or channels_from(self.settings), self.clock,
                              base=self.subscriptions.base_url(), site_name=self.site_name(),
                              unsubscribe_url=self.subscriptions.unsubscribe_url, lease=lease,
                              hook=hook)
        report = deliverer.run(limit=limit)
        report.digests = digests
        return report


def build(engine: Engine, settings: EngageSettings, *, clock: Clock = utc_now,
          words: WordFilter | None = None) -> Engage:
    """The engage function's parts for ``engine`` and ``settings``."""
    site = SiteData(settings.site_dir)
    return Engage(
        engine=engine, settings=settings, site=site,
        subscriptions=Subscriptions(engine, site, clock, private_webhooks=settings.webhook_private,
                                    public_url=settings.public_url),
        consultations=Consultations(engine, site, clock, words or WordFilter.from_env()),
        clock=clock)

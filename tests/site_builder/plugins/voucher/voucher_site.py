"""A built voucher site for the plugin's tests: real vouchers from the function, a real build."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from functions.voucher.service import VoucherService
from tests.functions.voucher.voucher_testlib import BANK, LI, ZHAO, make_config, make_service

ROOT = Path(__file__).resolve().parents[4]
FIXTURE = ROOT / "tests" / "fixtures" / "voucher-site"


@dataclass
class VoucherSite:
    """The service that issued the vouchers, the built site, and what was issued."""

    service: VoucherService
    project: Path
    site: Path
    vouchers: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, bytes] = field(default_factory=dict)


def build_site(project: Path, site: Path, *, strict: bool = True) -> None:
    """Build ``project`` into ``site`` with MkDocs; strict: a warning (an accessibility
    finding of the static rules, say) fails the build."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
    build(config)


def make_site(tmp: Path, *, issue: bool = True) -> VoucherSite:
    """Issue vouchers (one valid, one revoked), publish, and build the fixture site."""
    project = tmp / "project"
    shutil.copytree(FIXTURE, project)
    state = tmp / "voucher"
    service = make_service(f"sqlite:///{tmp / 'db.sqlite3'}", state,
                           config=make_config(state, "https://zw.linjiang.example/"))
    made = VoucherSite(service, project, tmp / "site")
    if issue:
        for name, subject in (("valid", ZHAO), ("revoked", LI)):
            request = service.request(BANK, subject, "个人住房贷款审批",
                                      ["identity", "social_insurance", "housing_fund"], 30)
            voucher = service.authorise(request.id, subject)
            made.vouchers[name] = voucher.credential
            made.reports[name] = service.report(voucher.id, BANK)
        service.revoke(made.vouchers["revoked"]["id"].removeprefix("urn:uuid:"), LI)
    service.publish_all()
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text("utf-8").replace(
        "voucher_dir: voucher", f"voucher_dir: {state}"), "utf-8")
    build_site(project, made.site)
    return made

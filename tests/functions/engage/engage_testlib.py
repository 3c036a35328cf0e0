"""Helpers of the engage tests: a small built site, a real SMTP server, a webhook receiver.

Imported by name (this folder is put on ``sys.path`` by its conftest). The site is the
few files the build's ``tongda-engage`` and ``tongda-match`` plugins write, made here by
hand so each test can publish a new version of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterable
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.portal_server import free_port

HITECH_RULES = {
    "id": "hitech-award", "subject": "enterprise", "title": "高新技术企业认定奖励办法",
    "url": "policies/hitech-award/", "doc_number": "临政发〔2026〕9号", "issuer": "临江市科学技术局",
    "eligibility": [
        {"id": "district", "label": "在滨江区或高新区注册", "clause": "第三条第（一）项",
         "logic": {"in": [{"var": "district"}, ["390102", "390171"]]}},
        {"id": "revenue", "label": "上年营业收入不低于2000万元", "clause": "第三条第（二）项",
         "logic": {">=": [{"var": "revenue"}, 2000000000]}},
        {"id": "hitech", "label": "为高新技术企业", "clause": "第三条第（三）项",
         "logic": {"in": ["高新技术企业", {"var": "tags"}]}},
    ],
    "amount": {"label": "奖励30万元", "logic": 30000000},
    "cases": [], "services": [],
}
FACTS = {
    "enterprise": [
        {"name": "district", "label": "注册地", "type": "string",
         "options": ["390102", "390171", "390103"]},
        {"name": "revenue", "label": "上年营业收入", "type": "money", "unit": "元"},
        {"name": "tags", "label": "企业类型", "type": "list",
         "options": ["高新技术企业", "科技型中小企业", "小微企业"]},
    ],
    "person": [{"name": "age", "label": "年龄", "type": "integer", "unit": "岁"}],
}
POLICIES: dict[str, dict[str, Any]] = {
    "rd-subsidy": {"id": "rd-subsidy", "title": "临江市企业研发投入补助办法",
                   "url": "policies/rd-subsidy/", "doc_number": "临政办发〔2023〕15号",
                   "issuer": "临江市人民政府办公室", "level": "city", "status": "effective",
                   "status_label": "现行有效", "summary": "按上年研发投入的10%给予补助。",
                   "topics": ["business-support"], "audiences": ["企业"],
                   "life_stages": ["经营"], "tags": ["研发补助", "高新技术企业"], "subject": None},
    "elderly-care": {"id": "elderly-care", "title": "临江市居家养老服务补贴办法",
                     "url": "policies/elderly-care/", "doc_number": None,
                     "issuer": "临江市民政局", "level": "city", "status": "effective",
                     "status_label": "现行有效", "summary": "为高龄老人提供居家养老服务补贴。",
                     "topics": ["elderly-friendly"], "audiences": ["老年人"],
                     "life_stages": ["退休"], "tags": ["助餐", "养老服务"], "subject": None},
    "hitech-award": {"id": "hitech-award", "title": "临江市高新技术企业认定奖励办法",
                     "url": "policies/hitech-award/", "doc_number": "临政发〔2026〕9号",
                     "issuer": "临江市科学技术局", "level": "city", "status": "effective",
                     "status_label": "现行有效", "summary": "对新认定的高新技术企业奖励30万元。",
                     "topics": ["innovation"], "audiences": ["企业"], "life_stages": ["经营"],
                     "subject": "enterprise"},
}
FACETS = {
    "topic": [{"value": "business-support", "label": "惠企政策"},
              {"value": "elderly-friendly", "label": "适老服务"},
              {"value": "innovation", "label": "科技创新"}],
    "audience": [{"value": "企业", "label": "企业"}, {"value": "老年人", "label": "老年人"}],
    "issuer": [{"value": "临江市科学技术局", "label": "临江市科学技术局"},
               {"value": "临江市民政局", "label": "临江市民政局"},
               {"value": "临江市人民政府办公室", "label": "临江市人民政府办公室"}],
    "level": [{"value": "city", "label": "市级"}],
    "life_stage": [{"value": "经营", "label": "经营"}, {"value": "退休", "label": "退休"}],
}
#: Enterprises (统一社会信用代码) of the tests.
LANZHOU = "91390100MA2K7Q1B4K"   # subscribes to its profile: eligible
XIAOWEI = "91390102MA3C5D6E7F"   # profile: not a 高新技术企业, not eligible
HEYI = "91390171MA4G8H9J0K"      # profile with the revenue unknown: possibly eligible


def substance(policy: dict[str, Any], edition: int = 1) -> str:
    """A digest standing for a policy's substance (``edition`` changes it)."""
    return hashlib.sha256(f"{policy['id']}:{edition}".encode()).hexdigest()


def write_site(site: Path, ids: Iterable[str], *, editions: dict[str, int] | None = None,
               consultations: list[dict[str, Any]] | None = None) -> Path:
    """Publish ``site`` holding the policies ``ids`` (as a build would, files replaced)."""
    editions = editions or {}
    listed = [{**POLICIES[i], "substance": substance(POLICIES[i], editions.get(i, 1))}
              for i in ids]
    document = {"version": 1, "generated": "2026-12-07", "site_name": "临江市政策服务门户",
                "site_url": "https://zc.linjiang.example/", "facets": FACETS, "policies": listed}
    rules = {"version": 1, "facts": FACTS,
             "policies": [HITECH_RULES] if "hitech-award" in ids else []}
    files = {"api/engage/policies.json": document, "api/match/rules.json": rules,
             "api/engage/consultations.json": {"version": 1,
                                               "consultations": consultations or []}}
    for path, content in files.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        temporary.replace(target)
    (site / "index.html").write_text("<!DOCTYPE html><title>首页</title><h1>首页</h1>",
                                     encoding="utf-8")
    return site


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it accepts.

    Recipients in ``refuse`` are answered ``550`` at RCPT, as a server does for an
    address that does not exist.
    """

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refuse = set(refuse)
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 用户不存在"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.original_content or envelope.content,
                                  policy=policy.default)
        with self._lock:
            self.messages.append(mail)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def __enter__(self) -> Mailbox:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to ``address``."""
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


class Receiver:
    """A real HTTP server on loopback that records each webhook delivery (status 200).

    ``answer`` maps a path to the status to answer it with (410: gone for good).
    """

    def __init__(self, answer: dict[str, int] | None = None) -> None:
        self.deliveries: list[tuple[str, dict[str, str], bytes]] = []
        self.answer = answer or {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.deliveries.append((self.path, dict(self.headers.items()), body))
                self.send_response(receiver.answer.get(self.path, 200))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret: str, path: str | None = None) -> list[dict[str, Any]]:
        """Each delivery's payload (to ``path``), verified with the Standard Webhooks library."""
        from standardwebhooks.webhooks import Webhook

        hook = Webhook(secret)
        return [hook.verify(body, headers) for to, headers, body in self.deliveries
                if path is None or to == path]


class Clock:
    """A clock tests set and move; timezone-aware UTC."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def china(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """A moment in China as UTC."""
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8))
                       ).astimezone(dt.UTC)

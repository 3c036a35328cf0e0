"""What a notice says: the policies, why the subscriber gets them, how to stop (no I/O)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .channels import Outgoing

CHANGE_TEXT = {"new": "新发布", "changed": "有实质变化"}
KIND_TEXT = {"topic": "专题", "audience": "对象", "issuer": "发文机关", "level": "层级",
             "life_stage": "阶段"}


def reason_text(reason: Mapping[str, Any]) -> str:
    """Why a subscriber is told about a policy, in a sentence."""
    if reason.get("kind") == "profile":
        if reason.get("eligible") is True:
            text = "按您订阅时填写的信息，您符合这项政策的全部条件"
        else:
            text = "按您订阅时填写的信息，您可能符合这项政策（未发现不符合的条件）"
        unknown = reason.get("unknown") or []
        if unknown:
            text += "；还需确认：" + "；".join(unknown)
        if reason.get("amount") is not None:
            text += f"；预计可获{yuan(int(reason['amount']))}"
        return text + "。"
    tags = [f"{KIND_TEXT.get(t['kind'], t['kind'])}“{t.get('label') or t['value']}”"
            for t in reason.get("tags", [])]
    return "您订阅了" + "、".join(tags) + "。"


def yuan(fen: int) -> str:
    """分 as people read it: ``12,345.67元``."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" + (f".{cents:02d}" if cents else "") + "元"


def _policy_lines(index: int, entry: Mapping[str, Any], base: str) -> list[str]:
    title = entry["title"] + (f"（{entry['doc_number']}）" if entry.get("doc_number") else "")
    facts = " · ".join(x for x in (entry.get("issuer"), entry.get("status_label"),
                                   CHANGE_TEXT.get(entry["change"], "")) if x)
    lines = [f"{index}. {title}", f"   {facts}"]
    if entry.get("summary"):
        lines.append(f"   {entry['summary']}")
    lines += [f"   推送原因：{reason_text(entry['reason'])}", f"   全文：{base}{entry['url']}", ""]
    return lines


def compose(message: Mapping[str, Any], subscription: Mapping[str, Any],
            entries: Sequence[Mapping[str, Any]], *, base: str, site_name: str,
            unsubscribe_url: str) -> Outgoing:
    """The notice of one message.

    Args:
        message: The message row (``id``, ``channel``, ``kind``).
        subscription: Its subscription row (``address``, ``secret``).
        entries: Per policy: the stored policy (title, url, doc_number, issuer, summary,
            status_label) with the item's ``change`` and ``reason``.
        base: The portal's address, ending in ``/``.
        site_name: The portal's name.
        unsubscribe_url: The subscription's one-click unsubscribe link.
    """
    first = entries[0]
    if len(entries) == 1:
        subject = f"【{site_name}】{CHANGE_TEXT.get(first['change'], '')}：{first['title']}"
    else:
        subject = f"【{site_name}】每日政策推送：{len(entries)} 项与您的订阅有关的政策"
    lines = ["您好：", "", f"{site_name}有 {len(entries)} 项与您的订阅有关的政策：", ""]
    for i, entry in enumerate(entries, 1):
        lines += _policy_lines(i, entry, base)
    lines += [f"管理订阅（暂停、改为每日汇总、删除）：{base}subscribe/",
              f"退订本订阅（一键完成，无需登录）：{unsubscribe_url}", "",
              "本邮件由系统自动发送，请勿直接回复。"]
    payload = {
        "type": "policy.digest" if message["kind"] == "digest" else "policy.notice",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data": {"subscription": subscription["id"], "unsubscribe_url": unsubscribe_url,
                 "policies": [{"id": e["policy"], "title": e["title"], "url": base + e["url"],
                               "doc_number": e.get("doc_number"), "issuer": e.get("issuer"),
                               "status": e.get("status_label"), "change": e["change"],
                               "version": e["version"], "reason": dict(e["reason"]),
                               "reason_text": reason_text(e["reason"])} for e in entries]},
    }
    return Outgoing(id=message["id"], channel=message["channel"],
                    address=subscription["address"] or "", subject=subject,
                    text="\n".join(lines), payload=payload, unsubscribe_url=unsubscribe_url,
                    secret=subscription.get("secret"), sender_name=site_name)

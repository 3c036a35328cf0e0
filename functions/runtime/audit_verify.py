"""Check the audit chain against its signed heads and say, in Chinese, what is wrong.

What each kind of tampering looks like here:

- an edited row: its hash no longer matches its content (``edited``);
- a row removed from the middle, or rows moved: a gap in the sequence (``gap``) or a row
  that no longer names the one before it (``relinked``);
- a history rewritten with recomputed hashes: the chain is whole but a row's hash differs
  from the one a signed head names (``rewritten``);
- rows cut off the end: a signed head names a sequence the table no longer reaches
  (``truncated``), or the table is empty (``emptied``);
- a heads-file line removed, reordered, forged or signed by an unknown key
  (``heads_gap``, ``heads_order``, ``bad_signature``, ``unknown_key``, ``heads_malformed``),
  or the heads file ending before the published copy (``heads_truncated``);
- rows appended since the last signature (``unsigned``, a warning: a crash between commit
  and signing leaves them, the next append's head covers them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from . import heads, signing
from .audit import GENESIS, audit_log, legacy_digest, row_digest
from .settings import Settings

MAX_FINDINGS = 100


@dataclass(frozen=True)
class Finding:
    """One problem: its kind, the sequence it concerns, and a Chinese sentence."""

    kind: str
    message: str
    seq: int | None = None
    warning: bool = False


@dataclass
class VerifyResult:
    """What :func:`verify` found.

    Attributes:
        rows: Rows in ``audit_log``.
        last_seq: The newest row's sequence (0 when the table is empty).
        signed_seq: The newest sequence a valid signed head covers (0 when none).
        heads: Valid signed heads read (heads file and published copy).
        findings: Errors and warnings, in the order found.
    """

    rows: int = 0
    last_seq: int = 0
    signed_seq: int = 0
    heads: int = 0
    findings: list[Finding] = field(default_factory=list)
    omitted: int = 0

    @property
    def ok(self) -> bool:
        """No tampering found (warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        """The findings that are tampering."""
        return [f for f in self.findings if not f.warning]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are only warnings."""
        return [f for f in self.findings if f.warning]

    def kinds(self) -> set[str]:
        """The kinds of every finding (tests, scripts)."""
        return {f.kind for f in self.findings}

    def add(self, kind: str, message: str, seq: int | None = None, *,
            warning: bool = False) -> None:
        """Record a finding (the first :data:`MAX_FINDINGS`; the rest are counted)."""
        if len(self.findings) >= MAX_FINDINGS:
            self.omitted += 1
            return
        self.findings.append(Finding(kind, message, seq, warning))

    def report(self) -> str:
        """A report for people, in Chinese."""
        lines = [f"审计日志：{self.rows} 条记录，最新序号 {self.last_seq}；"
                 f"{self.heads} 个有效的签名链头，最新签名覆盖到第 {self.signed_seq} 条。"]
        if self.ok:
            lines.append("结论：没有发现篡改。" if not self.warnings else
                         "结论：没有发现篡改，但有以下提醒。")
        else:
            lines.append(f"结论：发现 {len(self.errors)} 处篡改或损坏。")
        lines += [("提醒：" if f.warning else "错误：") + f.message for f in self.findings]
        if self.omitted:
            lines.append(f"另有 {self.omitted} 处问题未列出。")
        return "\n".join(lines)


@dataclass
class _Anchor:
    hash: str
    where: str


def trusted_keys(settings: Settings, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The public keys whose heads count: the signing key's, and the listed ones."""
    keys: dict[str, Any] = {}
    own = heads.key_loader(settings, create=False)()
    if own is not None:
        keys[own.key_id] = own.public
    for text in (*settings.audit_trusted_keys, *extra):
        public = signing.public_from_b64(text)
        keys[signing.key_id(public)] = public
    return keys


def verify_with_settings(engine: Engine, settings: Settings, *, published: Path | None = None,
                         extra_keys: tuple[str, ...] = ()) -> VerifyResult:
    """:func:`verify` with the heads file, published copy and keys ``settings`` name."""
    if published is None and settings.audit_publish_dir is not None:
        published = settings.audit_publish_dir
    return verify(engine, heads_file=settings.audit_heads_file, published=published,
                  trusted_keys=trusted_keys(settings, extra_keys))


def verify(engine: Engine, *, heads_file: Path | None, published: Path | None,
           trusted_keys: Mapping[str, Any]) -> VerifyResult:
    """Check every row, every signed head, and the rows against the heads.

    Args:
        engine: The database holding ``audit_log``.
        heads_file: The append-only heads file, or ``None``.
        published: ``heads.json`` or the folder holding it, or ``None``.
        trusted_keys: Public keys by key id; heads signed by others are refused.

    Returns:
        What was found; ``result.ok`` is false when anything was tampered with.
    """
    result = VerifyResult()
    anchors: dict[int, _Anchor] = {}
    last_line_seq = 0
    if heads_file is not None:
        last_line_seq = _check_heads_file(heads_file, trusted_keys, anchors, result)
    if published is not None:
        _check_published(published, trusted_keys, anchors, last_line_seq, result)
    result.heads = len(anchors)
    result.signed_seq = max(anchors, default=0)
    hashes = _check_rows(engine, anchors, result)
    _check_anchors(anchors, hashes, result)
    return result


def _check_heads_file(path: Path, keys: Mapping[str, Any], anchors: dict[int, _Anchor],
                      result: VerifyResult) -> int:
    prev, last_seq, last_line_seq = GENESIS, 0, 0
    for number, line in heads.HeadsFile(path).lines():
        where = f"链头文件第 {number} 行"
        expected_prev, prev = prev, heads.line_digest(line)
        try:
            head = heads.Head.parse(line)
        except ValueError:
            result.add("heads_malformed", f"{where}无法读取：不是签名链头（文件被改动或写入时中断）。")
            continue
        if head.prev != expected_prev:
            result.add("heads_gap", f"{where}不接在上一行之后：其间的链头行被删除、插入或改动过。",
                       head.seq)
        last_line_seq = max(last_line_seq, head.seq)
        if not _signature_ok(head, keys, where, result):
            continue
        if head.seq <= last_seq:
            result.add("heads_order", f"{where}的序号 {head.seq} 不大于上一行的 {last_seq}："
                       "链头行被重排或伪造。", head.seq)
            continue
        last_seq = head.seq
        anchors[head.seq] = _Anchor(head.hash, where)
    return last_line_seq


def _signature_ok(head: heads.Head, keys: Mapping[str, Any], where: str,
                  result: VerifyResult) -> bool:
    public = keys.get(head.key)
    if public is None:
        result.add("unknown_key", f"{where}由未知密钥 {head.key} 签名：它不是本站的签名密钥"
                   "（轮换前的旧公钥请用 TONGDA_AUDIT_TRUSTED_KEYS 或 --trusted-key 给出）。",
                   head.seq)
        return False
    if not signing.verify(public, head.message(), head.sig):
        result.add("bad_signature", f"{where}（第 {head.seq} 条）的签名无效：这个链头被伪造或改动过。",
                   head.seq)
        return False
    return True


def _check_published(path: Path, keys: Mapping[str, Any], anchors: dict[int, _Anchor],
                     last_line_seq: int, result: VerifyResult) -> None:
    if path.is_dir():
        path = path / heads.PUBLISHED_NAME
    if not path.exists():
        return
    where = f"已发布的 {path.name}"
    try:
        head = heads.Head.parse(json.loads(path.read_text(encoding="utf-8"))["head"])
    except (ValueError, KeyError, TypeError, OSError):
        result.add("heads_malformed", f"{where}（{path}）无法读取：不是通达的签名链头。")
        return
    if not _signature_ok(head, keys, where, result):
        return
    if head.seq > last_line_seq:
        result.add("heads_truncated", f"{where}签名了第 {head.seq} 条，链头文件却只到第 "
                   f"{last_line_seq} 条：链头文件末尾的行被删除。", head.seq)
    known = anchors.get(head.seq)
    if known is not None and known.hash != head.hash:
        result.add("rewritten", f"{where}与{known.where}都签名了第 {head.seq} 条，哈希却不同："
                   "历史被改写过。", head.seq)
    anchors.setdefault(head.seq, _Anchor(head.hash, where))


def _check_rows(engine: Engine, anchors: Mapping[int, _Anchor],
                result: VerifyResult) -> dict[int, str]:
    """Walk the rows in order; return the stored hash at each anchored sequence."""
    prev, expected, new_scheme_seen = GENESIS, 1, False
    hashes: dict[int, str] = {}
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=1000).execute(
            select(audit_log).order_by(audit_log.c.id)).mappings()
        for r in rows:
            seq = int(r["id"])
            result.rows += 1
            if r["scheme"] >= 2:
                new_scheme_seen = True
                if seq != expected:
                    result.add("gap", f"{_span(expected, seq - 1)}记录缺失：序号应当连续，"
                               "记录被删除过。", expected)
                digest = row_digest(dict(r))
            else:
                if new_scheme_seen:
                    result.add("edited", f"第 {seq} 条记录用旧格式写在新格式之后：它是伪造的。", seq)
                digest = legacy_digest(dict(r))
            if digest != r["hash"]:
                result.add("edited", f"第 {seq} 条记录的内容与它的哈希不符：记录被改动过"
                           f"（{r['action']} {r['target']}）。", seq)
            elif r["prev_hash"] != prev:
                result.add("relinked", f"第 {seq} 条记录没有接在前一条之后：前面的记录被删除、"
                           "替换或重排过。", seq)
            if seq in anchors:
                hashes[seq] = r["hash"]
            prev, expected, result.last_seq = r["hash"], seq + 1, seq
    return hashes


def _span(first: int, last: int) -> str:
    return f"第 {first} 条" if first == last else f"第 {first}–{last} 条"


def _check_anchors(anchors: Mapping[int, _Anchor], hashes: Mapping[int, str],
                   result: VerifyResult) -> None:
    matched = 0
    for seq in sorted(anchors):
        anchor = anchors[seq]
        if seq > result.last_seq:
            break
        if hashes.get(seq) == anchor.hash:
            matched = seq
            continue
        result.add("rewritten", f"第 {seq} 条记录的哈希与{anchor.where}签名的链头不符："
                   f"历史被改写过（哈希是重新算过的），改写发生在{_span(matched + 1, seq)}。",
                   seq)
        break  # later heads disagree too; the first one says where it started
    newest = max(anchors, default=0)
    if newest > result.last_seq:
        if result.rows == 0:
            result.add("emptied", f"审计表是空的，但{anchors[newest].where}签名了 {newest} 条记录："
                       "表被清空过（TRUNCATE 或 DELETE）。", newest)
        else:
            result.add("truncated", f"{anchors[newest].where}签名了第 {newest} 条，数据库只到第 "
                       f"{result.last_seq} 条：{_span(result.last_seq + 1, newest)}被删除。",
                       newest)
    elif result.last_seq > newest:
        if newest == 0:
            result.add("unsigned", f"没有签名的链头：{_span(1, result.last_seq)}只能互相核对，"
                       "整段改写或末尾被删除无法发现。", 1, warning=True)
        else:
            result.add("unsigned", f"{_span(newest + 1, result.last_seq)}尚未签名（进程可能在提交后、"
                       "签名前退出）；下一次追加时会一并签名。", newest + 1, warning=True)

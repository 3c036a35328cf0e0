"""The offline verifier: everything a bank, an auditor or the citizen can check alone.

Given a voucher and what the portal publishes (the DID document, the status list), it
checks the issuer's signature, the validity dates, the revocation status, the inclusion
proof and the log checkpoint's signature, and the report's digest when the report is
given. Each check says in Chinese what holds or what does not; the static verifier page
runs the same checks in the browser (``themes/tongda/components/voucher/voucher-verify.js``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import credential as vc
from . import did as didweb
from . import merkle, statuslist
from .encoding import EncodingError, unb64
from .integrity import ProofError, canonical, verify_proof
from .note import Checkpoint, NoteError, Verifier, open_checkpoint, split


@dataclass(frozen=True)
class Check:
    """One check: a stable name, a Chinese label, whether it holds, and why."""

    name: str
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    """Every check of one voucher."""

    checks: list[Check]

    @property
    def valid(self) -> bool:
        """Whether every check holds."""
        return all(c.ok for c in self.checks)

    def failed(self) -> list[str]:
        """The names of the checks that do not hold."""
        return [c.name for c in self.checks if not c.ok]

    def get(self, name: str) -> Check:
        """The check named ``name``."""
        return next(c for c in self.checks if c.name == name)


def _time(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _issuer(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def check_signature(credential: dict[str, Any], document: dict[str, Any]) -> Check:
    """The issuer's ``eddsa-jcs-2022`` signature, by a key the DID document lists."""
    label = "签发者签名"
    issuer = _issuer(credential)
    if issuer is None or issuer != document.get("id"):
        return Check("signature", label, False, f"签发者 {issuer} 不是本站公布的 {document.get('id')}。")
    method = (credential.get("proof") or {}).get("verificationMethod", "")
    if not str(method).startswith(issuer + "#"):
        return Check("signature", label, False, "签名密钥不属于签发者。")
    try:
        verify_proof(credential, lambda m: didweb.assertion_key(document, m))
    except ProofError as exc:
        return Check("signature", label, False, str(exc))
    return Check("signature", label, True, f"由 {issuer} 的公布密钥签发，签发后未被改动。")


def check_validity(credential: dict[str, Any], now: dt.datetime) -> Check:
    """``validFrom`` ≤ now ≤ ``validUntil``."""
    label = "有效期"
    start, end = _time(credential.get("validFrom")), _time(credential.get("validUntil"))
    if start is None or end is None:
        return Check("validity", label, False, "凭证没有写明有效期。")
    if now < start:
        return Check("validity", label, False, f"凭证自 {credential['validFrom']} 起才生效。")
    if now > end:
        return Check("validity", label, False, f"凭证已于 {credential['validUntil']} 过期。")
    return Check("validity", label, True, f"在有效期内（至 {credential['validUntil']}）。")


def check_status(credential: dict[str, Any], document: dict[str, Any],
                 status_list: dict[str, Any] | None) -> Check:
    """Not revoked, according to a status list the issuer signed."""
    label = "撤销状态"
    if status_list is None:
        return Check("status", label, False, "没有取得状态列表，无法确认凭证是否已被撤销。")
    try:
        entry = credential.get("credentialStatus")
        index = statuslist.index_of(entry, status_list.get("id"))
        if _issuer(status_list) != document.get("id"):
            raise statuslist.StatusError("状态列表不是本站签发的。")
        verify_proof(status_list, lambda m: didweb.assertion_key(document, m))
        subject = status_list.get("credentialSubject") or {}
        revoked = statuslist.is_set(statuslist.decode(subject.get("encodedList", "")), index)
    except (statuslist.StatusError, ProofError) as exc:
        return Check("status", label, False, str(exc))
    since = status_list.get("validFrom", "")
    if revoked:
        return Check("status", label, False, f"凭证已被本人撤销（状态列表更新于 {since}）。")
    return Check("status", label, True, f"未被撤销（状态列表更新于 {since}）。")


def _checkpoint_text(note: str) -> Checkpoint:
    text, _ = split(note)
    return Checkpoint.parse(text)


def check_inclusion(credential: dict[str, Any]) -> Check:
    """The voucher's body is a leaf of the log, at the position its evidence names."""
    label = "日志收录证明"
    evidence = vc.log_evidence(credential)
    if evidence is None:
        return Check("inclusion", label, False, "凭证没有透明日志收录证明。")
    try:
        index, size = int(evidence["leafIndex"]), int(evidence["treeSize"])
        proof = [unb64(p) for p in evidence["inclusionProof"]]
        point = _checkpoint_text(evidence["checkpoint"])
        leaf = merkle.leaf_hash(canonical(vc.issue_entry(credential)))
    except (KeyError, TypeError, ValueError, EncodingError, NoteError, ProofError) as exc:
        return Check("inclusion", label, False, f"收录证明格式不对：{exc}")
    if point.size != size:
        return Check("inclusion", label, False, "收录证明的树大小与检查点不符。")
    if not merkle.verify_inclusion(index, size, leaf, proof, point.root):
        return Check("inclusion", label, False,
                     "凭证内容与日志记录不符：凭证被改动，或收录证明不属于这张凭证。")
    return Check("inclusion", label, True, f"凭证是日志第 {index + 1} 条记录（共 {size} 条时）。")


def log_verifier(document: dict[str, Any]) -> tuple[str, Verifier] | None:
    """The log's origin and checkpoint key, as the DID document publishes them."""
    found = didweb.log_service(document)
    if found is None:
        return None
    try:
        return found[0], Verifier.parse(found[1])
    except NoteError:
        return None


def check_checkpoint(credential: dict[str, Any], document: dict[str, Any]) -> Check:
    """The checkpoint is signed by the log the DID document names."""
    label = "日志检查点签名"
    evidence, log = vc.log_evidence(credential), log_verifier(document)
    if evidence is None or log is None:
        return Check("checkpoint", label, False, "没有检查点，或本站没有公布日志密钥。")
    origin, verifier = log
    try:
        claimed = _checkpoint_text(str(evidence.get("checkpoint", "")))
        if claimed.origin != origin:  # say which log, before saying whose key
            raise NoteError(f"检查点来自另一个日志（{claimed.origin}），不是本站日志 {origin}。")
        point = open_checkpoint(str(evidence.get("checkpoint", "")), [verifier], origin)
    except NoteError as exc:
        return Check("checkpoint", label, False, str(exc))
    return Check("checkpoint", label, True, f"检查点由本站日志 {origin} 签名（{point.size} 条）。")


def check_report(credential: dict[str, Any], report: bytes) -> Check:
    """The report's digest is the one the voucher names."""
    label = "数据报告"
    wanted = [r.get("digestSRI") for r in credential.get("relatedResource") or []
              if isinstance(r, dict)]
    forms = [report]
    # A pretty-printed copy of the same report is the same report.
    with contextlib.suppress(ValueError, ProofError):
        forms.append(canonical(json.loads(report)))
    if any(vc.sri(form) in wanted for form in forms):
        return Check("report", label, True, "报告与凭证所载摘要一致，未被改动。")
    return Check("report", label, False, "报告与凭证所载摘要不符：报告被改动，或不是这张凭证的报告。")


def verify_voucher(credential: dict[str, Any], *, did_document: dict[str, Any],
                   status_list: dict[str, Any] | None = None, report: bytes | None = None,
                   now: dt.datetime | None = None) -> Verdict:
    """Every check of a voucher (see the module docstring)."""
    if not isinstance(credential, dict):
        return Verdict([Check("format", "凭证格式", False, "不是 JSON 对象。")])
    moment = now or dt.datetime.now(dt.UTC)
    checks = [check_signature(credential, did_document), check_validity(credential, moment),
              check_status(credential, did_document, status_list), check_inclusion(credential),
              check_checkpoint(credential, did_document)]
    if report is not None:
        checks.append(check_report(credential, report))
    return Verdict(checks)


def verify_consistency(old_note: str, new_note: str, proof: Sequence[str],
                       did_document: dict[str, Any]) -> Check:
    """Two checkpoints of the log, and a proof that the newer extends the older."""
    label = "日志一致性"
    log = log_verifier(did_document)
    if log is None:
        return Check("consistency", label, False, "本站没有公布日志密钥。")
    origin, verifier = log
    try:
        old = open_checkpoint(old_note, [verifier], origin)
        new = open_checkpoint(new_note, [verifier], origin)
        hashes = [unb64(p) for p in proof]
    except (NoteError, EncodingError) as exc:
        return Check("consistency", label, False, str(exc))
    if not merkle.verify_consistency(old.size, new.size, hashes, old.root, new.root):
        return Check("consistency", label, False,
                     f"{new.size} 条的日志不是 {old.size} 条时的延续：历史记录被改写。")
    return Check("consistency", label, True, f"{new.size} 条的日志完整包含 {old.size} 条时的全部记录。")

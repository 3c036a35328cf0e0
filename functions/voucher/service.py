"""The voucher flow without HTTP: request, authorise or refuse, issue, release, revoke.

Every step is one database transaction that also appends its leaf to the transparency
log, so what the citizen's view lists and what the log proves never disagree. Errors are
:class:`VoucherError` with an HTTP status and a Chinese detail; the routes turn them into
problem responses.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import Connection, Engine

from functions.runtime import audit, signing
from functions.runtime.db import utc_now
from functions.runtime.problems import ServiceError

from . import credential as vc
from . import did as didweb
from . import statuslist
from .anchor import AuditAnchor
from .catalogue import Catalogue, CatalogueError, DataKind, DataProvider
from .config import VoucherConfig
from .integrity import add_proof, canonical, timestamp
from .keys import VoucherKeys
from .log import TransparencyLog
from .publish import CHECKPOINT_PATH, DID_PATH, Publisher, status_path
from .store import Request, Voucher, VoucherStore

SUBJECT_ID = re.compile(r"^[0-9]{17}[0-9X]$")
#: A status list is left for the next one when half its indexes are taken, so a random
#: free index is always found in a try or two.
SLOTS_PER_LIST = statuslist.MIN_BITS // 2


class VoucherError(ServiceError):
    """A refused step: HTTP ``status`` and a Chinese ``detail`` (and ``title``).

    The runtime's service error, with the status given each time; every function's app
    answers it as problem+json.
    """

    def __init__(self, status: int, detail: str, title: str | None = None) -> None:
        super().__init__(detail, title=title)
        self.status = status


@dataclass(frozen=True)
class Party:
    """Who acts: a requester (its organisation's id and name) or a citizen (subject id).

    ``actor`` is how the runtime's audit log names them (``token:<id>:<name>``).
    """

    id: str
    name: str
    actor: str = "system"


class IdentityCheck(Protocol):
    """The identity step before an authorisation (a face check in Wenzhou)."""

    method: str

    def confirm(self, subject_id: str, evidence: str | None) -> bool:
        """Whether the person authorising is the subject."""


class SimulatedIdentityCheck:
    """The local stand-in: passes unless the evidence is ``fail`` (for tests and demos)."""

    method = "simulated"

    def confirm(self, subject_id: str, evidence: str | None) -> bool:
        """Pass, except for the evidence ``fail``."""
        return evidence != "fail"


class VoucherService:
    """The voucher function's logic.

    Args:
        engine: Storage (migrated with :data:`store.MIGRATIONS`).
        config: Names, addresses and folders.
        keys: Issuer, log and pseudonym keys.
        catalogue: The data kinds.
        provider: Where report data come from.
        identity: The identity step (simulated by default).
        clock: The current time (tests move it).
        publisher: Where public files are written (none: nothing is published).
        heads_file: The runtime's file of signed audit heads, each anchored as a leaf.
    """

    def __init__(self, engine: Engine, config: VoucherConfig, keys: VoucherKeys,
                 catalogue: Catalogue, provider: DataProvider, *,
                 identity: IdentityCheck | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 publisher: Publisher | None = None, heads_file: Path | None = None) -> None:
        self.engine, self.config, self.keys = engine, config, keys
        self.catalogue, self.provider = catalogue, provider
        self.identity = identity or SimulatedIdentityCheck()
        self.clock = clock or utc_now
        self.store = VoucherStore(engine)
        self.log = TransparencyLog(config.log_origin, keys.log)
        self.publisher = publisher
        self.anchor = AuditAnchor(engine, self.log, heads_file) if heads_file else None

    def now(self) -> dt.datetime:
        """The current time, to the second (what vouchers state)."""
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    # -- requester -------------------------------------------------------------------

    def request(self, requester: Party, subject_id: str, purpose: str, kinds: Sequence[str],
                valid_days: int | None = None, *, conn: Connection | None = None) -> Request:
        """Ask the subject for a voucher. Unknown subjects are not revealed: the request
        waits like any other, so a requester cannot probe who is in the registry."""
        if not SUBJECT_ID.match(subject_id):
            raise VoucherError(422, "subject 应为 18 位公民身份号码。")
        try:
            picked = self.catalogue.pick(list(kinds))
        except CatalogueError as exc:
            raise VoucherError(422, str(exc)) from exc
        days = self.config.default_days if valid_days is None else valid_days
        if not 1 <= days <= self.config.max_days:
            raise VoucherError(422, f"有效期应为 1 到 {self.config.max_days} 天。")
        now, request_id = self.now(), "vr_" + secrets.token_hex(10)
        with self._transaction(conn) as tx:
            self.store.add_request(tx, {
                "id": request_id, "requester_id": requester.id, "requester_name": requester.name,
                "subject_id": subject_id, "purpose": purpose, "kinds": [k.id for k in picked],
                "valid_days": days, "status": "pending", "created_at": now})
            self._event(tx, "voucher.request", subject_id, request_id, requester.id,
                        actor=requester.name, at=now, audit_actor=requester.actor)
            made = self._found(self.store.request(request_id, tx))
        self._committed(conn)
        return made

    def requests_by(self, requester: Party) -> list[Request]:
        """The requester's own requests, newest first."""
        return self.store.requests_where(requester_id=requester.id)

    def report(self, voucher_id: str, requester: Party) -> bytes:
        """Release the report to the authorised requester (logged), while the voucher is valid."""
        voucher = self.store.voucher(voucher_id)
        if voucher is None or voucher.requester_id != requester.id:
            raise VoucherError(404, "没有这张凭证，或它不是授权给您的。")
        now = self.now()
        if voucher.revoked_at is not None:
            raise VoucherError(403, "本人已撤销这张凭证，报告不再提供。", title="凭证已撤销")
        if not voucher.valid_from <= now <= voucher.valid_until:
            raise VoucherError(403, "凭证不在有效期内，报告不再提供。", title="凭证已过期")
        with self._transaction(None) as tx:
            self._event(tx, "voucher.report", voucher.subject_id, voucher.request_id,
                        voucher.requester_id, actor=requester.name, at=now, voucher_id=voucher.id,
                        audit_actor=requester.actor)
        self._committed(None)
        return voucher.report.encode("utf-8")

    # -- citizen ---------------------------------------------------------------------

    def requests_for(self, subject_id: str) -> list[Request]:
        """Requests about the subject, newest first."""
        return self.store.requests_where(subject_id=subject_id)

    def authorise(self, request_id: str, subject_id: str, evidence: str | None = None, *,
                  conn: Connection | None = None, actor: str = "system") -> Voucher:
        """The subject authorises: identity step, report, voucher, all logged."""
        request = self._pending_of(request_id, subject_id)
        if not self.identity.confirm(subject_id, evidence):
            raise VoucherError(403, "身份核验未通过，请重新进行人脸识别后再授权。", title="身份核验未通过")
        kinds = self.catalogue.pick(request.kinds)
        now = self.now()
        voucher_id = str(uuid.uuid4())
        pseudonym = self.keys.pseudonym(subject_id, request.requester_id)
        report = canonical({"type": "PersonalDataReport", "voucher": f"urn:uuid:{voucher_id}",
                            "subject": pseudonym, "generatedAt": timestamp(now),
                            "items": self.provider.fetch(subject_id, kinds)})
        with self._transaction(conn) as tx:
            if not self.store.decide(tx, request.id, "authorised", now, voucher_id):
                raise VoucherError(409, "这项请求已经处理过了。")
            self._event(tx, "voucher.authorise", subject_id, request.id, request.requester_id,
                        actor="本人", at=now, voucher_id=voucher_id,
                        extra={"identity": self.identity.method}, audit_actor=actor)
            list_id, index = self._slot(tx)
            signed, leaf = self._issue(tx, request, voucher_id, pseudonym, kinds, report, now,
                                       list_id, index)
            self.store.add_voucher(tx, {
                "id": voucher_id, "request_id": request.id, "subject_id": subject_id,
                "requester_id": request.requester_id, "credential": signed,
                "report": report.decode("utf-8"), "status_list": list_id, "status_index": index,
                "valid_from": now, "valid_until": now + dt.timedelta(days=request.valid_days),
                "leaf_index": leaf})
            self.store.add_event(tx, {"subject_id": subject_id, "request_id": request.id,
                                      "voucher_id": voucher_id, "action": vc.ISSUE,
                                      "actor": self.catalogue.issuer_name, "at": now,
                                      "leaf_index": leaf})
            made = self._found(self.store.voucher(voucher_id, tx))
        self._committed(conn)
        return made

    def refuse(self, request_id: str, subject_id: str, *, conn: Connection | None = None,
               actor: str = "system") -> Request:
        """The subject refuses; the requester sees the refusal, the log records it."""
        request = self._pending_of(request_id, subject_id)
        now = self.now()
        with self._transaction(conn) as tx:
            if not self.store.decide(tx, request.id, "refused", now):
                raise VoucherError(409, "这项请求已经处理过了。")
            self._event(tx, "voucher.refuse", subject_id, request.id, request.requester_id,
                        actor="本人", at=now, audit_actor=actor)
            made = self._found(self.store.request(request.id, tx))
        self._committed(conn)
        return made

    def revoke(self, voucher_id: str, subject_id: str, *, conn: Connection | None = None,
               actor: str = "system") -> Voucher:
        """The subject revokes a voucher at any time; the status list says so at once."""
        voucher = self.store.voucher(voucher_id)
        if voucher is None or voucher.subject_id != subject_id:
            raise VoucherError(404, "没有这张凭证。")
        now = self.now()
        with self._transaction(conn) as tx:
            if not self.store.revoke(tx, voucher_id, now):
                raise VoucherError(409, "这张凭证已经撤销了。")
            self._event(tx, "voucher.revoke", subject_id, voucher.request_id,
                        voucher.requester_id, actor="本人", at=now, voucher_id=voucher_id,
                        audit_actor=actor)
            made = self._found(self.store.voucher(voucher_id, tx))
        self._committed(conn, voucher.status_list)
        return made

    def voucher(self, voucher_id: str, party: Party) -> Voucher:
        """A voucher, for its subject or its requester only."""
        found = self.store.voucher(voucher_id)
        if found is None or party.id not in (found.subject_id, found.requester_id):
            raise VoucherError(404, "没有这张凭证，或您无权查看。")
        return found

    def history(self, subject_id: str) -> dict[str, Any]:
        """Everything about the subject: requests, vouchers, and every event with who and when."""
        return {"requests": self.requests_for(subject_id),
                "vouchers": self.store.vouchers_about(subject_id),
                "events": self.store.events_about(subject_id)}

    # -- public ----------------------------------------------------------------------

    def did_document(self) -> dict[str, Any]:
        """The issuer's DID document: every issuer key that has signed, the current one first."""
        current = (self.keys.issuer_fragment, self.keys.issuer_public)
        older = [(f"key-{kid}", signing.public_from_b64(pub).public_bytes_raw())
                 for kid, pub in self.store.signing_keys() if kid != self.keys.issuer.key_id]
        return didweb.document(self.config.did, [current, *older],
                               log_origin=self.config.log_origin,
                               log_key=str(self.keys.log_verifier),
                               log_url=self.config.api_url + "log/",
                               log_public=self.keys.log_public)

    def status_list(self, list_id: int) -> dict[str, Any]:
        """The signed status list credential, as of its last change."""
        revoked, changed, count = self.store.revoked(list_id)
        if list_id < 1 or (count == 0 and list_id != 1):
            raise VoucherError(404, "没有这个状态列表。")
        moment = changed or dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        unsigned = statuslist.credential(self.config.status_url(list_id), self.config.did,
                                         revoked, valid_from=timestamp(moment))
        return add_proof(unsigned, self.keys.issuer.private, self._method(), created=moment)

    def checkpoint(self) -> str:
        """The newest signed checkpoint."""
        with self.engine.connect() as conn:
            return self.log.checkpoint(conn)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """An inclusion proof; 422 when the positions are impossible."""
        with self.engine.connect() as conn:
            if not 0 <= index < size <= self.log.size(conn):
                raise VoucherError(422, "叶子序号应小于树大小，树大小不能超过日志当前大小。")
            return self.log.inclusion(conn, index, size)

    def find_leaf(self, leaf_hash: bytes) -> int | None:
        """The index of a leaf by its hash."""
        with self.engine.connect() as conn:
            return self.log.find(conn, leaf_hash)

    def consistency(self, first: int, second: int) -> list[bytes]:
        """A consistency proof; 422 when the sizes are impossible."""
        with self.engine.connect() as conn:
            if not 0 <= first <= second <= self.log.size(conn):
                raise VoucherError(422, "first 不能大于 second，second 不能超过日志当前大小。")
            return self.log.consistency(conn, first, second)

    def append_entry(self, entry: dict[str, Any]) -> int:
        """Append an entry from elsewhere (the runtime's signed audit heads); its index."""
        with self._transaction(None) as tx:
            index = self.log.append(tx, entry).index
        self._committed(None)
        return index

    def publish_all(self) -> None:
        """Write every public file (at start-up, and after a rebuild replaced the site)."""
        if self.publisher is None:
            return
        self.publisher.json(DID_PATH, self.did_document())
        with self.engine.connect() as conn:
            lists = self.store.used_lists(conn)
        for list_id in lists or [1]:
            self.publish_status(list_id)
        self._publish_checkpoint()

    def publish_status(self, list_id: int) -> None:
        """Publish one status list."""
        if self.publisher is not None:
            self.publisher.json(status_path(list_id), self.status_list(list_id))

    # -- inside ----------------------------------------------------------------------

    @contextmanager
    def _transaction(self, conn: Connection | None) -> Iterator[Connection]:
        """The caller's transaction (an idempotent route's), or one of our own."""
        if conn is not None:
            yield conn
            return
        with self.log.writing(self.engine) as own:
            yield own

    def _committed(self, conn: Connection | None, status_list: int | None = None) -> None:
        """After our own commit, publish; in a caller's transaction the caller calls
        :meth:`after_commit` once it has committed."""
        if conn is None:
            self.after_commit(status_list)

    def after_commit(self, status_list: int | None = None) -> None:
        """After a commit: anchor the audit heads it caused, publish the checkpoint and,
        for a revocation, the status list."""
        self.anchor_audit()
        if status_list is not None:
            self.publish_status(status_list)
        self._publish_checkpoint()

    def anchor_audit(self) -> int:
        """Anchor the audit heads signed since the last call (none without a heads file)."""
        return self.anchor.catch_up() if self.anchor is not None else 0

    def _publish_checkpoint(self) -> None:
        if self.publisher is not None:
            self.publisher.text(CHECKPOINT_PATH, self.checkpoint())

    def _method(self) -> str:
        return f"{self.config.did}#{self.keys.issuer_fragment}"

    @staticmethod
    def _found(value: Any) -> Any:
        if value is None:  # written in this very call; gone only if the database lost it
            raise VoucherError(500, "刚写入的记录读取不到。")
        return value

    def _pending_of(self, request_id: str, subject_id: str) -> Request:
        request = self.store.request(request_id)
        if request is None or request.subject_id != subject_id:
            raise VoucherError(404, "没有这项请求，或它不是发给您的。")
        if request.status != "pending":
            raise VoucherError(409, "这项请求已经处理过了。")
        return request

    def _event(self, conn: Connection, action: str, subject_id: str, request_id: str,
               requester_id: str, *, actor: str, at: dt.datetime, voucher_id: str | None = None,
               extra: dict[str, Any] | None = None, audit_actor: str = "system") -> int:
        """Log an event (leaf with the subject's pseudonym), record it for the citizen, and
        audit it as every function audits its changes (no personal data in either log)."""
        entry = {"v": vc.LEAF_VERSION, "type": action, "at": timestamp(at),
                 "request": request_id, "requester": requester_id,
                 "subject": self.keys.pseudonym(subject_id, requester_id), **(extra or {})}
        if voucher_id:
            entry["voucher"] = voucher_id
        index = self.log.append(conn, entry, at).index
        self.store.add_event(conn, {"subject_id": subject_id, "request_id": request_id,
                                    "voucher_id": voucher_id, "action": action, "actor": actor,
                                    "at": at, "leaf_index": index})
        audit.append(conn, actor=audit_actor, function="voucher", action=action,
                     target=f"voucher/{voucher_id}" if voucher_id else f"voucher-request/{request_id}",
                     detail={"leaf_index": index})
        return index

    def _slot(self, conn: Connection) -> tuple[int, int]:
        """A free, random status list index (random, so an index says nothing of its neighbours)."""
        list_id = max(self.store.used_lists(conn) or [1])
        if self.store.used_slots(conn, list_id) >= SLOTS_PER_LIST:
            list_id += 1
        while True:
            index = secrets.randbelow(statuslist.MIN_BITS)
            if not self.store.slot_taken(conn, list_id, index):
                return list_id, index

    def _issue(self, conn: Connection, request: Request, voucher_id: str, pseudonym: str,
               kinds: list[DataKind], report: bytes, now: dt.datetime, list_id: int,
               index: int) -> tuple[dict[str, Any], int]:
        """Build the voucher, log its body, add the inclusion evidence, sign it."""
        until = now + dt.timedelta(days=request.valid_days)
        unsigned: dict[str, Any] = {
            "@context": vc.CONTEXT, "id": f"urn:uuid:{voucher_id}", "type": vc.TYPES,
            "name": "个人数据资产凭证",
            "description": f"本人授权{request.requester_name}查看本人的政务数据报告，用于：{request.purpose}",
            "issuer": {"id": self.config.did, "name": self.catalogue.issuer_name},
            "validFrom": timestamp(now), "validUntil": timestamp(until),
            "credentialSubject": {
                "id": pseudonym,
                "authorisedRequester": {"id": f"urn:tongda:requester:{request.requester_id}",
                                        "name": request.requester_name},
                "purpose": request.purpose, "dataKinds": [k.public() for k in kinds],
                "requestedAt": timestamp(request.created_at), "authorisedAt": timestamp(now)},
            "relatedResource": [{"id": self.config.report_url(voucher_id),
                                 "mediaType": "application/json", "digestSRI": vc.sri(report)}],
            "credentialStatus": statuslist.entry(self.config.status_url(list_id), index),
        }
        leaf = self.log.append(conn, vc.issue_entry(unsigned), now)
        size = leaf.index + 1
        unsigned["evidence"] = [vc.evidence(
            origin=self.log.origin, index=leaf.index, size=size,
            proof=self.log.inclusion(conn, leaf.index, size),
            checkpoint=self.log.checkpoint(conn, size))]
        self.store.remember_key(conn, self.keys.issuer.key_id,
                                signing.public_b64(self.keys.issuer.public), now)
        return add_proof(unsigned, self.keys.issuer.private, self._method(), created=now), leaf.index

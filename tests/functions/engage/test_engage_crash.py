"""The notifier killed (SIGKILL) in the middle of a run, then run again: nothing is lost, and
nothing already sent goes twice.

The notifier is a real process (``notifier_process.py``, what ``tongda engage notify``
runs) that stops at a chosen point of its run; the test kills it there, runs it again, and
counts what the real SMTP server and the real webhook receiver got.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from engage_testlib import LANZHOU, Clock, Mailbox, Receiver, write_site
from sqlalchemy import select
from sqlalchemy.engine import Engine

from functions.apply.identity import Principal
from functions.engage.schemas import SubscriptionIn
from functions.engage.service import Engage
from functions.engage.store import messages

pytestmark = pytest.mark.integration
SCRIPT = Path(__file__).with_name("notifier_process.py")
ROOT = Path(__file__).resolve().parents[3]
MAILBOXES = [f"qiye{i}@example.com" for i in range(4)]
HOOKS = ["/oa", "/crm"]


def run_notifier(env: dict[str, str], point: str, marker: Path) -> None:
    """Run the notifier; when it is to stop, kill it there with SIGKILL."""
    process = subprocess.Popen([sys.executable, str(SCRIPT), point, str(marker)], cwd=ROOT,
                               env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL)
    if point == "none":
        assert process.wait(timeout=120) == 0
        return
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the notifier ended before its stop"
        assert time.monotonic() < deadline, "the notifier never reached its stop"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    marker.unlink()


def prepare(parts: Engage, receiver: Receiver) -> dict[str, str]:
    """Six subscriptions to the city level, then two new city policies: 12 messages."""
    parts.plan()  # the first run records the site as it is
    who = Principal("token:t1:澜舟科技", "澜舟科技", frozenset({"subscriber"}), LANZHOU)
    secrets = {}
    with parts.engine.begin() as conn:
        for address in MAILBOXES:
            parts.subscriptions.subscribe(conn, who, SubscriptionIn.model_validate({
                "kind": "tags", "tags": [{"kind": "level", "value": "city"}],
                "channel": "email", "address": address}))
        for path in HOOKS:
            made = parts.subscriptions.subscribe(conn, who, SubscriptionIn.model_validate({
                "kind": "tags", "tags": [{"kind": "level", "value": "city"}],
                "channel": "webhook", "address": receiver.url + path}))
            secrets[path] = made["secret"]
    site = parts.settings.site_dir
    assert site is not None
    write_site(site, ["rd-subsidy", "elderly-care", "hitech-award"], editions={"rd-subsidy": 2})
    return secrets


def environment(database_url: str, site: Path, mailbox: Mailbox, tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "TONGDA_SITE_DIR": str(site),
            "TONGDA_SMTP_HOST": "127.0.0.1", "TONGDA_SMTP_PORT": str(mailbox.port),
            "TONGDA_MAIL_FROM": "tuisong@linjiang.example", "TONGDA_ENGAGE_WEBHOOK_PRIVATE": "1",
            "TONGDA_VAR_DIR": str(tmp_path / "var")}


def delivered(mailbox: Mailbox, receiver: Receiver) -> tuple[Counter[str], Counter[str]]:
    """How many times each message id reached the SMTP server and the receiver."""
    mails = Counter(str(m["Message-ID"]).strip("<>").partition("@")[0] for m in mailbox.messages)
    hooks = Counter(headers["webhook-id"] for _, headers, _ in receiver.deliveries)
    return mails, hooks


def states(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(conn.scalars(select(messages.c.state)))


@pytest.mark.parametrize("point", ["planned", "recorded:1", "recorded:7"])
def test_killed_between_steps_then_run_again_sends_each_message_exactly_once(
        parts: Engage, engine: Engine, database_url: str, site: Path, tmp_path: Path,
        clock: Clock, point: str) -> None:
    with Mailbox() as mailbox, Receiver() as receiver:
        secrets = prepare(parts, receiver)
        env = environment(database_url, site, mailbox, tmp_path)
        marker = tmp_path / "stopped"
        run_notifier(env, point, marker)
        sent_before = sum(delivered(mailbox, receiver)[0].values()) + len(receiver.deliveries)
        assert sent_before == (0 if point == "planned" else int(point.partition(":")[2]))
        time.sleep(1.2)  # the killed run's lease on its next message runs out
        run_notifier(env, "none", marker)
        run_notifier(env, "none", marker)  # and once more: nothing new to plan or send

        mails, hooks = delivered(mailbox, receiver)
        assert set(mails.values()) == {1} and set(hooks.values()) == {1}  # none twice
        assert sorted(len(mailbox.to(a)) for a in MAILBOXES) == [2, 2, 2, 2]  # none lost
        for path, secret in secrets.items():
            titles = sorted(p["data"]["policies"][0]["id"]
                            for p in receiver.verified(secret, path))
            assert titles == ["hitech-award", "rd-subsidy"]
        assert states(engine) == Counter({"sent": 12})


def test_killed_after_the_receiver_accepted_sends_that_one_again_with_the_same_id(
        parts: Engage, engine: Engine, database_url: str, site: Path, tmp_path: Path) -> None:
    """The one window no sender can close (the receiver said yes, the record is not yet
    written): the message goes again with the same Message-ID and webhook-id, so a
    receiver that keeps the ids it has seen drops it. Every other message goes once."""
    with Mailbox() as mailbox, Receiver() as receiver:
        prepare(parts, receiver)
        env = environment(database_url, site, mailbox, tmp_path)
        marker = tmp_path / "stopped"
        run_notifier(env, "accepted:3", marker)
        time.sleep(1.2)
        run_notifier(env, "none", marker)
        mails, hooks = delivered(mailbox, receiver)
        repeated = [m for m, n in (mails + hooks).items() if n > 1]
        assert len(repeated) == 1 and (mails + hooks)[repeated[0]] == 2
        assert len(mails) + len(hooks) == 12  # twelve distinct messages: none lost
        assert states(engine) == Counter({"sent": 12})

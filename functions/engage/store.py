"""Storage of subscriptions, the policies seen, the push outbox and consultation comments.

The outbox follows the applications function's payment outbox: what is to be sent is
written in the same transaction as the fact that causes it, and each row is unique, so
running the notifier again (or after a crash) never plans a message twice.

- ``engage_policies``: each policy the notifier has seen, with a version number that
  grows when its substance changes. Recording a new version is a compare-and-set on
  that number, in the transaction that writes the items it causes.
- ``engage_items``: "subscription S is concerned by version V of policy P", unique per
  (S, P, V): at most one notice per subscriber per policy and change.
- ``engage_messages``: what a channel delivers: one item (immediate) or several (a daily
  digest). Its id is the e-mail's Message-ID and the webhook's ``webhook-id``, so a
  receiver can drop a redelivery. A message is claimed for sending with a lease
  (compare-and-set), and marked sent only after the receiver accepted it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from functions.runtime.db import Migration, create_tables, serial_key

FUNCTION = "engage"
metadata = MetaData()
subscriptions = Table(
    "engage_subscriptions", metadata,
    Column("id", String(32), primary_key=True),
    Column("subject", String(64), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # tags | profile
    Column("tags", Text, nullable=False, default="[]"),
    Column("profile_subject", String(16), nullable=True),  # enterprise | person
    Column("profile", Text, nullable=True),
    Column("consent_at", DateTime(timezone=True), nullable=True),
    Column("consent_text", Text, nullable=True),
    Column("channel", String(16), nullable=False),
    Column("address", String(500), nullable=True),
    Column("secret", String(100), nullable=True),
    Column("mode", String(16), nullable=False),  # immediate | daily
    Column("status", String(16), nullable=False),  # active | paused | ended
    Column("paused_reason", String(16), nullable=True),  # user | bounce
    Column("unsubscribe_token", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("engage_subscriptions_subject", "subject", "created_at"),
    Index("engage_subscriptions_active", "status", "kind"),
)
policies = Table(
    "engage_policies", metadata,
    Column("policy", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("doc_number", String(200), nullable=True),
    Column("issuer", String(200), nullable=True),
    Column("summary", Text, nullable=True),
    Column("status_label", String(32), nullable=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
messages = Table(
    "engage_messages", metadata,
    Column("id", String(40), primary_key=True),
    Column("subscription_id", String(32), ForeignKey("engage_subscriptions.id"),
           nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),  # immediate | digest
    Column("state", String(16), nullable=False),  # pending | sending | sent | failed | bounced | dropped
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_id", String(32), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("next_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Index("engage_messages_due", "state", "next_at"),
)
items = Table(
    "engage_items", metadata,
    serial_key("id"),
    Column("subscription_id", String(32), ForeignKey("engage_subscriptions.id"),
           nullable=False),
    Column("policy", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("change", String(16), nullable=False),  # new | changed
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("message_id", String(40), ForeignKey("engage_messages.id"), nullable=True,
           index=True),
    UniqueConstraint("subscription_id", "policy", "version", name="engage_one_notice"),
    Index("engage_items_waiting", "subscription_id", "message_id"),
)
comments = Table(
    "engage_comments", metadata,
    Column("id", String(32), primary_key=True),
    Column("policy", String(200), nullable=False),
    Column("section", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("name", String(100), nullable=True),
    Column("contact", String(200), nullable=True),
    Column("state", String(16), nullable=False),  # pending | approved | rejected
    Column("findings", Text, nullable=False, default="[]"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decision_reason", Text, nullable=True),
    Column("published", Boolean, nullable=False, default=False),
    Index("engage_comments_policy", "policy", "state", "created_at"),
)
MIGRATIONS = [Migration("0001-engage-tables",
                        create_tables(subscriptions, policies, messages, items, comments))]


def message_id(now: dt.datetime) -> str:
    """A message id (the e-mail's Message-ID local part and the webhook's ``webhook-id``)."""
    return f"msg_{now:%Y%m%d}{secrets.token_hex(10)}"

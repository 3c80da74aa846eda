"""The audit trail: who did or tried what, when and from where."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.enums import string_enum


class AuditAction(StrEnum):
    """Kinds of audited events."""

    ROSTER_IMPORTED = "roster.imported"
    PERSON_DEACTIVATED = "person.deactivated"
    PERSON_REACH_SET = "person.reach_set"
    INVITE_CREATED = "invite.created"
    INVITE_ACCEPTED = "invite.accepted"
    INVITE_REFUSED = "invite.refused"
    STRANGER_REFUSED = "stranger.refused"
    ALERT_ACTION_REFUSED = "alert.action_refused"
    RECIPIENT_UNREACHABLE = "recipient.unreachable"
    # The web log: sign-in, and every view and export (PDPA: who saw what, when, from where).
    WEB_LINK_ISSUED = "web.link_issued"
    WEB_LOGIN = "web.login"
    WEB_LOGIN_REFUSED = "web.login_refused"
    WEB_LOGOUT = "web.logout"
    WEB_LIST_VIEWED = "web.list_viewed"
    # The live situation page; its refreshes while open are counted on one row.
    WEB_SITUATION_VIEWED = "web.situation_viewed"
    WEB_INCIDENT_VIEWED = "web.incident_viewed"
    WEB_FILE_VIEWED = "web.file_viewed"
    # A photo fetched by its signed address (a LINE card's image, fetched by LINE's servers).
    WEB_PHOTO_LINK_OPENED = "web.photo_link_opened"
    WEB_STATISTICS_VIEWED = "web.statistics_viewed"
    WEB_EXPORTED = "web.exported"
    WEB_AUDIT_VIEWED = "web.audit_viewed"
    WEB_DRILL_VIEWED = "web.drill_viewed"
    WEB_ACCESS_REFUSED = "web.access_refused"
    THREAD_ACTION_REFUSED = "thread.action_refused"
    # The admins were told LINE's monthly message quota is running out (once a month).
    LINE_QUOTA_WARNED = "line.quota_warned"
    # Other systems: a feed token or a webhook issued or revoked, the feed read (its reads
    # from one address folded on one row while they keep coming) or refused.
    SUBSCRIBER_ADDED = "subscriber.added"
    SUBSCRIBER_REVOKED = "subscriber.revoked"
    WEBHOOK_GAVE_UP = "webhook.gave_up"
    # The admins were told a receiver keeps failing (at most once a day per receiver).
    WEBHOOK_RECEIVER_FAILING = "webhook.receiver_failing"
    FEED_READ = "feed.read"
    FEED_REFUSED = "feed.refused"
    RECORDS_PURGED = "records.purged"  # retention: audit rows, files, free text


class AuditEvent(Base):
    """One audited event; `detail` holds only what the event needs, never secrets."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[AuditAction] = mapped_column(string_enum(AuditAction, 40), index=True)
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Repeats of the same refusal are folded into one row: how many, and the latest one.
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[datetime | None]
    fold_key: Mapped[str | None] = mapped_column(String(64), index=True)

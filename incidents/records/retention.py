"""Keeping personal data no longer than needed (PDPA): the periods are the deployment's
(`AUDIT_RETENTION_DAYS`, `FILES_RETENTION_DAYS`, `REDACT_CLOSED_AFTER_DAYS`; 0 keeps forever).

- Audit rows older than their period are removed; what went is rolled up into counts by action
  and month on the audit row that records the purge, so the trail still says how much there was.
  Kept whatever their age: the issuing and revoking of subscribers, and the purges' own rows.
- Photos and files of incidents closed longer than their period are removed from the disk
  (unless another incident still keeps the same file); the incident keeps that there was a
  file, its kind, size and checksum, not the content.
- Free text of incidents closed longer than their period (place, description, damage note,
  closing summary, updates, instructions, captions, requests for information and their
  answers, and the copies of them in messages already sent) has what identifies people
  masked, as the CAP feed masks it (incidents.sharing.redact), a few hundred incidents per
  transaction (a first pass over a large archive never holds the database for long). Each
  incident is marked when masked and passed over after that, until it is closed again or its
  timeline grows (an answer to an earlier request comes after it closed); `again=True` masks
  every one once more (after the masking rules changed). Masking twice changes nothing, so a purge
  run twice, or on two replicas at once, does no harm.

`purge(core, dry_run=True)` says what would go without changing anything.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents import audit, files
from incidents.audit import Actor
from incidents.core import Core
from incidents.outbox import params as delivery_params
from incidents.sharing.redact import redact
from incidents.text.rich import Span, Text
from storage.models import (
    Attachment,
    AuditAction,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    Incident,
    IncidentEvent,
    IncidentStatus,
    InfoRequest,
    Instruction,
)

log = logging.getLogger(__name__)

# Incidents masked in one transaction: short enough never to hold other writers for long.
REDACT_BATCH = 200
# A file stored (or stored again) this recently is in use by a report being filed: kept.
RECENTLY_STORED = timedelta(hours=1)
# Audit rows kept whatever their age: who issued or revoked a subscriber's credential (it may
# still be live) and what each purge removed. They are few.
KEPT_ACTIONS = (
    AuditAction.SUBSCRIBER_ADDED,
    AuditAction.SUBSCRIBER_REVOKED,
    AuditAction.RECORDS_PURGED,
)


@dataclass(slots=True)
class Purged:
    """What a purge removed or masked (or, dry, would)."""

    dry_run: bool
    audit_rows: int = 0
    audit_by_action: dict[str, int] = field(default_factory=dict)
    audit_by_month: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    incidents_redacted: int = 0
    texts_redacted: int = 0


def _cutoff(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


async def purge(core: Core, actor: Actor, *, dry_run: bool, again: bool = False) -> Purged:
    """Apply the retention periods as of now; audited unless dry or nothing went."""
    rules = core.rules
    done = Purged(dry_run)
    redact_before = _cutoff(core.clock.now(), rules.redact_closed_after_days)
    if redact_before is not None:
        await _redact_closed(core, redact_before, done, dry_run=dry_run, again=again)
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        audit_before = _cutoff(now, rules.audit_retention_days)
        if audit_before is not None:
            # A folded row (a reader's polls) is as old as its last repeat.
            old = (
                func.coalesce(AuditEvent.last_at, AuditEvent.at) < audit_before,
                AuditEvent.action.not_in(KEPT_ACTIONS),
            )
            rows = await session.execute(
                select(AuditEvent.action, AuditEvent.at, AuditEvent.count).where(*old)
            )
            by_action: Counter[str] = Counter()
            by_month: Counter[str] = Counter()
            for action, at, count in rows:
                by_action[str(action)] += count or 1
                by_month[at.astimezone(rules.tz).strftime("%Y-%m")] += count or 1
                done.audit_rows += 1
            done.audit_by_action, done.audit_by_month = dict(by_action), dict(by_month)
            if not dry_run and done.audit_rows:
                await session.execute(delete(AuditEvent).where(*old))
        removable: list[str] = []
        files_before = _cutoff(now, rules.files_retention_days)
        if files_before is not None:
            kept = await session.scalars(
                select(Attachment)
                .join(Incident, Incident.id == Attachment.incident_id)
                .where(
                    Incident.province_id == core.province_id,
                    Incident.status == IncidentStatus.CLOSED,
                    Incident.closed_at < files_before,
                    Attachment.stored_path.is_not(None),
                )
            )
            for attachment in kept:
                done.files += 1
                done.file_bytes += attachment.size or 0
                if not dry_run:
                    removable.append(attachment.stored_path or "")
                    attachment.stored_path = None
        if not dry_run and (done.audit_rows or done.files or done.texts_redacted):
            audit.record(
                session,
                AuditAction.RECORDS_PURGED,
                actor,
                now,
                subject_type="records",
                audit_rows=done.audit_rows,
                audit_by_action=done.audit_by_action,
                audit_by_month=done.audit_by_month,
                files=done.files,
                file_bytes=done.file_bytes,
                incidents_redacted=done.incidents_redacted,
                texts_redacted=done.texts_redacted,
            )
    # Files go only once the rows no longer name them are committed, and only if no other row
    # names them (files are kept by their content's checksum: the same photo in another
    # incident, or just sent again) and none was stored again lately.
    if removable:
        async with core.reading() as session:
            named = set(
                await session.scalars(
                    select(Attachment.stored_path).where(Attachment.stored_path.in_(removable))
                )
            )
        fresh_after = time.time() - RECENTLY_STORED.total_seconds()
        for relative in set(removable):
            path = files.kept(rules.files_dir, relative)
            if path is None or relative in named:
                continue
            try:
                if path.stat().st_mtime < fresh_after:
                    os.remove(path)
            except OSError as exc:
                log.warning("retention: a file could not be removed: %s", type(exc).__name__)
    return done


async def _redact_closed(
    core: Core, before: datetime, done: Purged, *, dry_run: bool, again: bool
) -> None:
    """Mask the free text of incidents closed before `before`, in batches, each marked as
    masked in the batch's transaction (dry: counted, nothing changed or marked)."""
    due = [
        Incident.province_id == core.province_id,
        Incident.status == IncidentStatus.CLOSED,
        Incident.closed_at < before,
    ]
    if not again:
        # Not masked since it closed, or written to since it was masked (an answer to an
        # earlier request, an instruction acknowledged: a closed incident still takes those).
        written_since = (
            select(IncidentEvent.id)
            .where(
                IncidentEvent.incident_id == Incident.id,
                IncidentEvent.at > Incident.redacted_at,
            )
            .exists()
        )
        due.append(
            or_(
                Incident.redacted_at.is_(None),
                Incident.redacted_at < Incident.closed_at,
                written_since,
            )
        )
    changed: set[int] = set()
    last = 0
    while True:
        async with core.unit() as uow:
            ids = list(
                await uow.session.scalars(
                    select(Incident.id)
                    .where(*due, Incident.id > last)
                    .order_by(Incident.id)
                    .limit(REDACT_BATCH)
                )
            )
            if not ids:
                return
            last = ids[-1]
            await _redact_batch(uow.session, ids, uow.now, done, changed, dry_run=dry_run)
            done.incidents_redacted = len(changed)


async def _redact_batch(
    session: AsyncSession,
    ids: list[int],
    now: datetime,
    done: Purged,
    changed: set[int],
    *,
    dry_run: bool,
) -> None:
    def mask(owner: int, value: str | None) -> str | None:
        if not value:
            return value
        masked = redact(value)
        if masked != value:
            done.texts_redacted += 1
            changed.add(owner)
            return value if dry_run else masked
        return value

    for incident in await session.scalars(select(Incident).where(Incident.id.in_(ids))):
        incident.place = mask(incident.id, incident.place) or ""
        incident.description = mask(incident.id, incident.description) or ""
        incident.damage_note = mask(incident.id, incident.damage_note)
        incident.close_summary = mask(incident.id, incident.close_summary)
        if not dry_run:
            incident.redacted_at = now
    for event in await session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id.in_(ids))
    ):
        event.text = mask(event.incident_id, event.text) or ""
    for instruction in await session.scalars(
        select(Instruction).where(Instruction.incident_id.in_(ids))
    ):
        instruction.text = mask(instruction.incident_id, instruction.text) or ""
    for attachment in await session.scalars(
        select(Attachment).where(Attachment.incident_id.in_(ids))
    ):
        attachment.caption = mask(attachment.incident_id or 0, attachment.caption) or ""
    for request in await session.scalars(
        select(InfoRequest).where(InfoRequest.incident_id.in_(ids))
    ):
        request.question = mask(request.incident_id, request.question) or ""
        request.answer = mask(request.incident_id, request.answer)

    def mask_text(owner: int, text: Text) -> Text:
        return Text(*(Span(mask(owner, s.text) or "", s.style, s.url) for s in text))

    # The messages that carried those texts (updates and instructions fanned out, notices):
    # once settled, a row is only kept as the record of what was sent, so it is masked too.
    # A row still pending is left to go out as it was written.
    for delivery in await session.scalars(
        select(Delivery).where(
            Delivery.incident_id.in_(ids), Delivery.status != DeliveryStatus.PENDING
        )
    ):
        params = delivery_params.read(delivery)
        owner = delivery.incident_id or 0
        masked = params.model_copy(
            update={"text": mask_text(owner, params.text), "intro": mask_text(owner, params.intro)}
        )
        if masked != params and not dry_run:
            delivery.params = delivery_params.stored(masked)

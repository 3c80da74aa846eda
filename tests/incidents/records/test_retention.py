"""Retention (PDPA) with the clock moved forward: old audit rows go and are counted, files of
incidents closed long ago go from the disk, their free text is masked; a dry run changes
nothing; what is recent or still open stays."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from incidents import audit, files
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.outbox import params
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.records import retention
from incidents.sharing.redact import MASK
from incidents.text.rich import Span, Style, Text
from storage.db import Database
from storage.models import (
    Attachment,
    AuditAction,
    AuditEvent,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Incident,
    IncidentStatus,
    InfoRequest,
    Person,
)
from tests.fakes import make_png
from tests.support.clock import ManualClock
from tests.support.core import core_with_roster
from tests.support.incidents import Spec, add_incident

DAY = timedelta(days=1)
TEXT = "นายสมชาย ใจดี บาดเจ็บ ญาติโทร 081-234-5678"


@pytest.fixture
async def core(db: Database, clock: ManualClock, tmp_path: Path) -> Core:
    found = await core_with_roster(db, clock, tmp_path)
    found.rules = found.rules.model_copy(
        update={
            "audit_retention_days": 365,
            "files_retention_days": 30,
            "redact_closed_after_days": 90,
        }
    )
    return found


async def add(core: Core, *, closed: bool, photo: bool = True, shade: int = 1) -> str:
    reference = await add_incident(
        core.db,
        Spec(description=TEXT, photos=[make_png(4, 4, (shade, 2, 3))] if photo else []),
        core.clock.now(),
        core.rules.files_dir,
    )
    if closed:
        async with core.db.write() as session:
            incident = await session.scalar(select(Incident).where(Incident.reference == reference))
            assert incident is not None
            incident.status = IncidentStatus.CLOSED
            incident.closed_at = core.clock.now()
            incident.close_summary = "ส่งตัว ด.ช.ฟ้าใส ไปโรงพยาบาลแล้ว"
    return reference


async def incident(core: Core, reference: str) -> tuple[Incident, list[Attachment]]:
    async with core.reading() as session:
        found = await session.scalar(select(Incident).where(Incident.reference == reference))
        assert found is not None
        kept = list(
            await session.scalars(select(Attachment).where(Attachment.incident_id == found.id))
        )
    return found, kept


async def audit_row(core: Core, action: AuditAction) -> None:
    async with core.unit() as uow:
        audit.record(uow.session, action, CLI_ACTOR, uow.now, subject_type="incident")


async def test_old_audit_rows_go_counted_by_action_and_recent_ones_stay(
    core: Core, clock: ManualClock
):
    await audit_row(core, AuditAction.WEB_INCIDENT_VIEWED)
    await audit_row(core, AuditAction.WEB_INCIDENT_VIEWED)
    await audit_row(core, AuditAction.WEB_EXPORTED)
    clock.advance(366 * DAY)
    await audit_row(core, AuditAction.WEB_EXPORTED)

    dry = await retention.purge(core, CLI_ACTOR, dry_run=True)
    async with core.reading() as session:
        before = list(await session.scalars(select(AuditEvent)))
    old = [row for row in before if row.at < clock.now() - 365 * DAY]
    done = await retention.purge(core, CLI_ACTOR, dry_run=False)

    assert len(old) >= 3  # ours, and the roster import's
    assert dry.audit_rows == done.audit_rows == len(old)
    async with core.reading() as session:
        left = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert len(left) == len(before) - len(old) + 1  # and the purge's own row
    assert all(row.at >= clock.now() - 365 * DAY for row in left)
    purged = [row for row in left if row.action is AuditAction.RECORDS_PURGED]
    assert len(purged) == 1
    counts = purged[0].detail["audit_by_action"]
    assert counts[AuditAction.WEB_INCIDENT_VIEWED.value] == 2
    assert counts[AuditAction.WEB_EXPORTED.value] == 1


async def test_files_of_incidents_closed_long_ago_go_and_the_rest_stay(
    core: Core, clock: ManualClock
):
    old = await add(core, closed=True)
    still_open = await add(core, closed=False, shade=2)
    also_old = await add(core, closed=True, shade=2)  # the same photo as the open incident's
    clock.advance(31 * DAY)
    recent = await add(core, closed=True, shade=3)
    _, (old_file,) = await incident(core, old)
    path = files.kept(core.rules.files_dir, old_file.stored_path or "")
    assert path is not None
    # The files were stored a month ago as far as the disk knows, too.
    for stored in core.rules.files_dir.rglob("*.png"):
        os.utime(stored, (time.time() - 31 * 86400,) * 2)

    dry = await retention.purge(core, CLI_ACTOR, dry_run=True)
    assert dry.files == 2 and path.exists()
    done = await retention.purge(core, CLI_ACTOR, dry_run=False)

    assert done.files == 2
    assert not path.exists()
    _, (gone,) = await incident(core, old)
    assert gone.stored_path is None and gone.sha256 == old_file.sha256
    _, (released,) = await incident(core, also_old)
    assert released.stored_path is None
    for reference in (still_open, recent):
        _, (kept,) = await incident(core, reference)
        assert files.kept(core.rules.files_dir, kept.stored_path or "") is not None


async def test_free_text_of_incidents_closed_long_ago_is_masked_once(
    core: Core, clock: ManualClock
):
    old = await add(core, closed=True, photo=False)
    still_open = await add(core, closed=False, photo=False)
    clock.advance(91 * DAY)

    dry = await retention.purge(core, CLI_ACTOR, dry_run=True)
    unchanged, _ = await incident(core, old)
    done = await retention.purge(core, CLI_ACTOR, dry_run=False)
    again = await retention.purge(core, CLI_ACTOR, dry_run=False)

    assert unchanged.description == TEXT
    assert dry.incidents_redacted == done.incidents_redacted == 1
    assert done.texts_redacted == 2  # the description and the closing summary
    assert again.texts_redacted == 0
    masked, _ = await incident(core, old)
    assert masked.description == f"นาย{MASK} บาดเจ็บ ญาติโทร {MASK}"
    assert masked.close_summary == f"ส่งตัว ด.ช.{MASK} ไปโรงพยาบาลแล้ว"
    kept, _ = await incident(core, still_open)
    assert kept.description == TEXT


async def test_periods_of_zero_keep_everything(core: Core, clock: ManualClock):
    core.rules = core.rules.model_copy(
        update={"audit_retention_days": 0, "files_retention_days": 0, "redact_closed_after_days": 0}
    )
    await audit_row(core, AuditAction.WEB_EXPORTED)
    await add(core, closed=True)
    clock.advance(3650 * DAY)

    done = await retention.purge(core, CLI_ACTOR, dry_run=False)

    assert (done.audit_rows, done.files, done.texts_redacted) == (0, 0, 0)


async def test_a_file_stored_again_lately_stays_on_the_disk(core: Core, clock: ManualClock):
    old = await add(core, closed=True, shade=9)
    clock.advance(31 * DAY)
    _, (old_file,) = await incident(core, old)
    path = files.kept(core.rules.files_dir, old_file.stored_path or "")
    assert path is not None
    os.utime(path, (time.time() - 31 * 86400,) * 2)
    files.store(core.rules.files_dir, make_png(4, 4, (9, 2, 3)), "png")  # a report being filed

    done = await retention.purge(core, CLI_ACTOR, dry_run=False)

    assert done.files == 1
    assert path.exists()


async def test_requests_and_the_messages_that_carried_the_text_are_masked_too(
    core: Core, clock: ManualClock
):
    """A sent copy of an update keeps no name the incident no longer keeps; a message still
    waiting to go is left as written."""
    old = await add(core, closed=True, photo=False)
    written = Text("อัปเดต ", Span("PCT-1", Style.BOLD), " นายสมชาย ใจดี ย้ายไปโรงพยาบาลแล้ว")
    async with core.unit() as uow:
        found = await uow.session.scalar(select(Incident).where(Incident.reference == old))
        assert found is not None
        governor = await uow.session.scalar(select(Person.id).limit(1))
        assert governor is not None
        uow.session.add(
            InfoRequest(
                incident_id=found.id,
                from_person_id=governor,
                question="ขอเบอร์ญาติ นางมาลี ศรีสุข",
                created_at=uow.now,
                answered_at=uow.now,
                answer="โทร 081-234-5678",
            )
        )
        rows = [
            outbox.enqueue(
                uow.session,
                DeliveryKind.MESSAGE,
                1,
                uow.now,
                incident_id=found.id,
                params=DeliveryParams(text=written),
            )
            for _ in range(2)
        ]
        rows[0].status = DeliveryStatus.SENT
    clock.advance(91 * DAY)

    await retention.purge(core, CLI_ACTOR, dry_run=False)

    async with core.reading() as session:
        request = await session.scalar(select(InfoRequest))
        assert request is not None
        assert (request.question, request.answer) == (f"ขอเบอร์ญาติ นาง{MASK}", f"โทร {MASK}")
        sent, waiting = (
            params.read(d) for d in await session.scalars(select(Delivery).order_by(Delivery.id))
        )
    assert sent.text == Text("อัปเดต ", Span("PCT-1", Style.BOLD), f" นาย{MASK} ย้ายไปโรงพยาบาลแล้ว")
    assert waiting.text == written

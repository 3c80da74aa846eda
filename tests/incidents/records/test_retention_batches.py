"""The redaction pass over a large archive: a few incidents per transaction, each masked once
and passed over after that until it is closed again; `again` masks every one once more."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.records import retention
from incidents.sharing.redact import MASK
from storage.models import EventKind, Incident, IncidentEvent
from tests.incidents.records.test_retention import DAY, add, incident
from tests.support.clock import ManualClock

WRITTEN_LATER = "คุณมานี มีนา แจ้งญาติแล้ว"


@pytest.fixture
def core(core: Core) -> Core:
    """The records' core, its closed incidents masked after 90 days."""
    core.rules = core.rules.model_copy(update={"redact_closed_after_days": 90})
    return core


async def rewrite(core: Core, reference: str, text: str, *, closed_again: bool = False) -> None:
    """Change an incident's description behind the pass's back (as an older program did)."""
    values: dict[str, object] = {"description": text}
    if closed_again:
        values["closed_at"] = core.clock.now()
    async with core.db.write() as session:
        await session.execute(
            update(Incident).where(Incident.reference == reference).values(**values)
        )


async def test_every_batch_is_masked_and_marked_and_then_passed_over(
    core: Core, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(retention, "REDACT_BATCH", 2)
    old = [await add(core, closed=True, photo=False) for _ in range(5)]
    clock.advance(91 * DAY)

    dry = await retention.purge(core, CLI_ACTOR, dry_run=True)
    async with core.reading() as session:
        marked = await session.scalars(select(Incident.redacted_at))
        assert set(marked) == {None}  # a dry run marks nothing
    done = await retention.purge(core, CLI_ACTOR, dry_run=False)
    assert dry.incidents_redacted == done.incidents_redacted == 5  # three batches of 2, 2, 1
    for reference in old:
        masked, _ = await incident(core, reference)
        assert masked.description.startswith(f"นาย{MASK}") and masked.redacted_at is not None

    # Masked once: the next runs pass over it, until it is closed again.
    await rewrite(core, old[0], WRITTEN_LATER)
    await rewrite(core, old[1], WRITTEN_LATER)
    clock.advance(DAY)
    assert (await retention.purge(core, CLI_ACTOR, dry_run=False)).incidents_redacted == 0
    await rewrite(core, old[1], WRITTEN_LATER, closed_again=True)
    clock.advance(91 * DAY)
    assert (await retention.purge(core, CLI_ACTOR, dry_run=False)).incidents_redacted == 1
    left, _ = await incident(core, old[0])
    assert left.description == WRITTEN_LATER

    # After the masking rules changed: every incident once more.
    again = await retention.purge(core, CLI_ACTOR, dry_run=False, again=True)
    assert again.incidents_redacted == 1
    masked, _ = await incident(core, old[0])
    assert masked.description == f"คุณ{MASK} แจ้งญาติแล้ว"


async def test_a_closed_incident_written_to_after_masking_is_masked_again(
    core: Core, clock: ManualClock
):
    """A closed incident still takes an answer to an earlier request: the next pass masks it,
    and passes over it again once it is masked."""
    reference = await add(core, closed=True, photo=False)
    clock.advance(91 * DAY)
    assert (await retention.purge(core, CLI_ACTOR, dry_run=False)).incidents_redacted == 1

    clock.advance(DAY)
    async with core.db.write() as session:
        found = await session.scalar(select(Incident).where(Incident.reference == reference))
        assert found is not None
        session.add(
            IncidentEvent(
                incident_id=found.id,
                at=clock.now(),
                kind=EventKind.INFO_PROVIDED,
                text="ญาติคือ นางมาลี ศรีสุข โทร 081-234-5678",
            )
        )
    clock.advance(DAY)
    assert (await retention.purge(core, CLI_ACTOR, dry_run=False)).incidents_redacted == 1
    async with core.reading() as session:
        answer = await session.scalar(
            select(IncidentEvent.text).where(IncidentEvent.kind == EventKind.INFO_PROVIDED)
        )
    assert answer == f"ญาติคือ นาง{MASK} โทร {MASK}"
    clock.advance(DAY)
    assert (await retention.purge(core, CLI_ACTOR, dry_run=False)).incidents_redacted == 0

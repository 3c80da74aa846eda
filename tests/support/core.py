"""The core on a real database, with the sample roster joined, for tests without the Bot API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.app import rules_of
from bot.settings import Settings
from incidents import provinces
from incidents.core import Core
from incidents.events import EventBus
from incidents.outbox.params import DeliveryParams
from incidents.outbox.params import read as read_params
from storage.db import Database
from storage.models import Delivery, DeliveryKind, Person, Province
from tests.support.clock import ManualClock
from tests.support.incidents import import_sample_roster

# Telegram ids given to roster people who have "joined" (any number would do).
JOINED = {"GOV": 1001, "DGOV1": 1002, "DGOV2": 1003, "ADMIN1": 3001, "D6604": 2001, "D6601": 2002}


async def core_with_roster(
    db: Database, clock: ManualClock, tmp_path: Path, joined: dict[str, int] | None = None
) -> Core:
    """A core over `db` with the sample roster, the people in `joined` bound to accounts."""
    await import_sample_roster(db, clock.now())
    async with db.write() as session:
        province_id = (await session.scalars(select(Province.id))).one()
        for roster_id, telegram_id in (JOINED if joined is None else joined).items():
            person = await session.scalar(select(Person).where(Person.roster_id == roster_id))
            assert person is not None
            person.telegram_user_id = telegram_id
            person.joined_at = clock.now()
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    data = provinces.load("phichit")
    return Core(db, clock, rules_of(settings), data, province_id, EventBus())


async def person(core: Core, roster_id: str) -> Person:
    """A roster person as stored now."""
    async with core.reading() as session:
        found = await session.scalar(select(Person).where(Person.roster_id == roster_id))
    assert found is not None
    return found


@dataclass(frozen=True, slots=True)
class Queued:
    """An outbox row, read back."""

    kind: DeliveryKind
    chat_id: int
    params: DeliveryParams
    reply_to_id: int | None


async def queued(core: Core, kind: DeliveryKind | None = None) -> list[Queued]:
    """Every outbox row (of `kind`), in the order queued."""
    query = select(Delivery).order_by(Delivery.id)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    async with core.reading() as session:
        rows = (await session.scalars(query)).all()
    return [Queued(r.kind, r.chat_id, read_params(r), r.reply_to_id) for r in rows]

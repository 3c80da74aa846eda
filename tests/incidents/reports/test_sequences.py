"""Reference numbers: unique per province and year, even when many are taken at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from incidents.reports.service import next_sequence
from storage.db import Database
from storage.models import Province


async def test_concurrent_transactions_take_distinct_consecutive_numbers(db: Database):
    async with db.read() as session:
        province_id = await session.scalar(select(Province.id))

    async def take() -> int:
        async with db.write() as session:
            return await next_sequence(session, province_id, 2569)

    numbers = await asyncio.gather(*(take() for _ in range(25)))

    assert sorted(numbers) == list(range(1, 26))


async def test_each_year_starts_again_at_one(db: Database):
    async with db.read() as session:
        province_id = await session.scalar(select(Province.id))

    async with db.write() as session:
        first_2569 = await next_sequence(session, province_id, 2569)
        second_2569 = await next_sequence(session, province_id, 2569)
        first_2570 = await next_sequence(session, province_id, 2570)

    assert (first_2569, second_2569, first_2570) == (1, 2, 1)


async def test_a_rolled_back_transaction_gives_its_number_back(db: Database):
    async with db.read() as session:
        province_id = await session.scalar(select(Province.id))

    try:
        async with db.write() as session:
            await next_sequence(session, province_id, 2569)
            raise RuntimeError("filing failed")
    except RuntimeError:
        pass
    async with db.write() as session:
        number = await next_sequence(session, province_id, 2569)

    assert number == 1

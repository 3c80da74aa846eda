"""The real application running against the fake Bot API, with helpers to act as people."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from bot.app import rules_of, serve
from bot.link import TelegramApp
from bot.runtime import Runtime
from bot.settings import Settings
from incidents import provinces
from incidents.audit import CLI_ACTOR
from incidents.outbox.loop import DeliveryLoop
from incidents.roster import csv as roster_csv
from incidents.roster import invites
from incidents.roster import people as roster
from storage.models import Delivery, DeliveryStatus, Incident, Person, Province
from tests.fakes import FakeUser, SentMessage
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ROSTER = ROOT / "examples" / "phichit-roster.csv"
BOT_USERNAME = "phichit_incident_bot"


class Driver:
    """Acts as people in Telegram through the fake Bot API (needs nothing else)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    async def say(
        self,
        user: FakeUser,
        text: str,
        *,
        expect: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Send text as `user` and return the bot's first new message (matching `expect`)."""
        mark = self.api.mark()
        self.api.send_text(user, text)
        return await self.api.wait_for_message(user.id, expect, timeout, since=mark)

    async def press(
        self,
        user: FakeUser,
        message: SentMessage,
        data: str,
        *,
        expect: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """Press a button on a bot message and return the bot's first new message."""
        mark = self.api.mark()
        self.api.press_button(user, message, data)
        return await self.api.wait_for_message(user.id, expect, timeout, since=mark)

    async def settle(self) -> None:
        """Wait until the bot has fetched every update and gone quiet."""
        await self.api.wait_idle(quiet=0.15, timeout=10)


class Harness(Driver):
    """Starts `serve()` (the code path of `incident-bot run`) against a fake Bot API."""

    def __init__(self, api: FakeBotAPI, settings: Settings, clock: ManualClock) -> None:
        super().__init__(api)
        self.settings = settings
        self.clock = clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._runtime: Runtime | None = None
        self._application: TelegramApp | None = None

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "the bot is not running"
        return self._runtime

    @property
    def application(self) -> TelegramApp:
        assert self._application is not None, "the bot is not running"
        return self._application

    async def start(self) -> None:
        """Run the application until stop(); return once it polls."""
        ready = asyncio.Event()

        async def on_ready(runtime: Runtime, application: TelegramApp) -> None:
            self._runtime, self._application = runtime, application
            ready.set()

        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            serve(
                self.settings,
                self._stop,
                clock=self.clock,
                on_ready=on_ready,
                maintenance_interval=None,
            )
        )
        waiter = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait(
            {waiter, self._task}, timeout=30, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            waiter.cancel()
            self._task.result()  # re-raise what stopped it
        assert waiter in done, "the application did not start within 30 s"

    def configure(self, **values: Any) -> None:
        """Change settings, and the core's rules built from them, of the running application."""
        for name, value in values.items():
            setattr(self.settings, name, value)
        if self._runtime is not None:
            self._runtime.core.rules = rules_of(self.settings)

    async def stop(self) -> None:
        """Stop the application and surface any error it ended with."""
        if self._task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(self._task, timeout=30)
        finally:
            self._task = None
            self._runtime = self._application = None

    # ------------------------------------------------------------------ roster
    async def import_roster(self, csv_text: str | None = None) -> None:
        """Import the sample roster (or the given CSV text) through the roster service."""
        raw = csv_text.encode("utf-8") if csv_text is not None else SAMPLE_ROSTER.read_bytes()
        parsed = roster_csv.parse(raw, provinces.load(self.settings.province))
        assert not parsed.errors, parsed.errors
        async with self.runtime.db.write() as session:
            province = await session.get_one(Province, self.runtime.province_id)
            await roster.import_rows(
                session, province, parsed.rows, self.clock.now(), CLI_ACTOR, "test"
            )

    async def invite(self, roster_id: str, ttl: timedelta = timedelta(hours=72)) -> str:
        """Issue an invitation code for a roster person."""
        async with self.runtime.db.write() as session:
            province = await session.get_one(Province, self.runtime.province_id)
            person = await roster.get_by_roster_id(session, province, roster_id)
            issued = await invites.issue(session, person, self.clock.now(), ttl, CLI_ACTOR)
        return issued.code

    async def person(self, roster_id: str) -> Person:
        """A roster person as stored now."""
        async with self.runtime.db.read() as session:
            found = await session.scalar(select(Person).where(Person.roster_id == roster_id))
        assert found is not None
        return found

    async def join(self, user_id: int, roster_id: str, first_name: str = "ผู้ใช้") -> FakeUser:
        """Add a Telegram user and bind them to `roster_id` through /start <code>."""
        user = self.api.add_user(user_id, first_name)
        code = await self.invite(roster_id)
        await self.say(user, f"/start {code}", expect=lambda m: "ยินดีต้อนรับ" in (m.text or ""))
        return user

    async def join_executives(self) -> list[FakeUser]:
        """The Governor and the three Deputy Governors, joined (Telegram ids 1001-1004)."""
        ids = ["GOV", "DGOV1", "DGOV2", "DGOV3"]
        return [await self.join(1001 + i, roster_id, roster_id) for i, roster_id in enumerate(ids)]

    @property
    def dispatcher(self) -> DeliveryLoop:
        assert self.runtime.dispatcher is not None
        return self.runtime.dispatcher

    async def drain(self, timeout: float = 20.0) -> None:
        """Wait until the bot is quiet and no delivery is due or in flight.

        The Bot API going quiet is not enough: the flood limiter may hold a send for a second
        without any request being made, so the outbox itself is asked.
        """
        await self.settle()
        await self.dispatcher_round()

        async def due() -> int:
            # Rows in flight, or due and first in their lane (later ones wait behind them).
            earlier = aliased(Delivery)
            blocked = exists().where(
                earlier.lane == Delivery.lane,
                earlier.status == DeliveryStatus.PENDING,
                earlier.id < Delivery.id,
            )
            # An edit waits for the message it edits, as the delivery loop's claim does.
            target = aliased(Delivery)
            target_pending = exists().where(
                target.id == Delivery.edit_of_id, target.status == DeliveryStatus.PENDING
            )
            now = self.clock.now()
            in_flight = Delivery.claim_token.is_not(None)
            ready = (Delivery.next_attempt_at <= now) & ~blocked & ~target_pending
            async with self.runtime.db.read() as session:
                rows = (
                    await session.execute(
                        select(
                            Delivery.id,
                            Delivery.lane,
                            Delivery.kind,
                            Delivery.attempts,
                            Delivery.next_attempt_at,
                            Delivery.claim_token.is_not(None),
                        ).where(Delivery.status == DeliveryStatus.PENDING, in_flight | ready)
                    )
                ).all()
                timers = await session.scalar(
                    select(func.count())
                    .select_from(Incident)
                    .where(Incident.next_reminder_at <= now, Incident.acknowledged_at.is_(None))
                )
            stuck[:] = [f"{tuple(row)} now={now}" for row in rows]
            return len(rows) + int(timers or 0)

        stuck: list[str] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while await due():
            if asyncio.get_running_loop().time() >= deadline:
                due_rows = "\n".join(stuck) or "(none: a reminder timer is due)"
                raise AssertionError(f"--- due deliveries:\n{due_rows}\n{self.api.dump()}")
            self.dispatcher.wake()
            await asyncio.sleep(0.02)
        await self.settle()

    async def dispatcher_round(self, timeout: float = 10.0) -> None:
        """Wake the dispatcher and wait for a whole round that began after this call."""
        begun = self.dispatcher.rounds_started
        self.dispatcher.wake()
        await self.api.wait_until(
            lambda: self.dispatcher.rounds_finished > begun, timeout, what="a dispatcher round"
        )

    async def advance(self, delta: timedelta) -> None:
        """Move the clock and let the dispatcher act on whatever became due."""
        self.clock.advance(delta)
        await self.drain()


def button_data(message: SentMessage, label_part: str) -> str:
    """The callback data of the button whose label contains `label_part`."""
    for button in message.buttons:
        if label_part in button.get("text", ""):
            return str(button["callback_data"])
    labels = [b.get("text") for b in message.buttons]
    raise AssertionError(f"no button containing {label_part!r}; buttons: {labels}")


@contextlib.asynccontextmanager
async def running(api: FakeBotAPI, settings: Settings, clock: ManualClock) -> Any:
    """A started harness, stopped at the end of the block."""
    harness = Harness(api, settings, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()

"""What every command shares: the settings, running a coroutine, and a core to call."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import click

from bot.app import prepare_database, rules_of
from bot.settings import Settings, SettingsError, load_settings
from incidents import provinces
from incidents.clock import SystemClock
from incidents.core import Core
from incidents.events import EventBus
from storage.db import Database

T = TypeVar("T")
# A command's work: what it does with a core opened for it.
Work = Callable[[Core], Awaitable[T]]


def settings() -> Settings:
    """The deployment's settings, or a one-line error naming what is wrong."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def run(make: Callable[[], Awaitable[T]]) -> T:
    """Run a command's work in a fresh event loop; a bad setting is a one-line error."""
    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except (SettingsError, provinces.UnknownProvinceError) as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.asynccontextmanager
async def opened_database(settings: Settings) -> AsyncIterator[Database]:
    """The database the settings name, closed when the block ends."""
    database = Database(settings.resolved_database_url)
    try:
        yield database
    finally:
        await database.dispose()


@contextlib.asynccontextmanager
async def opened_core(settings: Settings) -> AsyncIterator[Core]:
    """The core over the deployment's database, migrated and with its province loaded, as
    `incident-bot run` has it (without the Telegram side); closed when the block ends."""
    database, province_id = await prepare_database(settings)
    try:
        province = provinces.load(settings.province)
        yield Core(database, SystemClock(), rules_of(settings), province, province_id, EventBus())
    finally:
        await database.dispose()


async def with_core(settings: Settings, work: Work[T]) -> T:
    """Do `work` with a core opened for it."""
    async with opened_core(settings) as core:
        return await work(core)

"""The bot's link with the Bot API: reaching it, starting the application, and the way
updates come in (long polling or a webhook, both into the durable inbox)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from telegram import BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot import commands, retrying
from bot.intake import polling, webhook
from bot.runtime import AppContext
from bot.settings import Settings, SettingsError
from incidents.inbox.intake import Intake
from incidents.observability.health import Health, Link

log = logging.getLogger(__name__)
T = TypeVar("T")

TelegramApp = Application[Any, AppContext, Any, Any, Any, Any]

# The channel's name in /healthz and /readyz.
TELEGRAM = "telegram"


async def publish_menu(application: TelegramApp) -> None:
    """Publish the default command menu; a refusal is logged and the bot carries on."""
    menu = [BotCommand(c.name, c.description) for c in commands.PUBLIC_COMMANDS]
    try:
        await application.bot.set_my_commands(menu)
    except TelegramError as exc:
        log.warning("setMyCommands refused, carrying on without a menu: %s", exc)


class StoppedError(Exception):
    """Stopping was asked for before a start-up step finished."""


async def unless_stopped(stop: asyncio.Event, step: Awaitable[T]) -> T:
    """Await `step`; if `stop` is set first, cancel it and raise StoppedError."""
    task = asyncio.ensure_future(step)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        raise StoppedError
    return task.result()


async def _connect(application: TelegramApp) -> None:
    """Reach the Bot API (getMe), waiting out network failures; a refused token is fatal."""
    try:
        await retrying.until_reached(application.initialize, "getMe")
    except InvalidToken as exc:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN was refused by the Bot API (Unauthorized): check the token"
        ) from exc
    await publish_menu(application)


@contextlib.asynccontextmanager
async def telegram(
    application: TelegramApp, stop: asyncio.Event, health: Health
) -> AsyncIterator[None]:
    """Reach the Bot API and start the application for the block (or until stopped)."""
    try:
        await unless_stopped(stop, _connect(application))
        await application.start()
        yield
    finally:
        health.set(TELEGRAM, Link.STOPPED)
        if application.running:
            await application.stop()
        await application.shutdown()
        # An initialize() cut short leaves the bot's HTTP clients open; this closes them.
        await application.bot.shutdown()


@contextlib.asynccontextmanager
async def updates_in(
    application: TelegramApp,
    intake: Intake,
    settings: Settings,
    stop: asyncio.Event,
    health: Health,
) -> AsyncIterator[None]:
    """Updates into the inbox for the block: a webhook registered, or long polling."""
    secret = settings.telegram_webhook_secret.get_secret_value()
    if settings.telegram_webhook_url:
        await unless_stopped(
            stop, webhook.register(application.bot, settings.telegram_webhook_url, secret)
        )
        health.set(TELEGRAM, Link.CONNECTED)
        yield
        return
    poller = polling.Poller(application.bot, intake)
    task = asyncio.create_task(poller.run(), name="telegram-polling")
    health.set(TELEGRAM, Link.CONNECTED)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

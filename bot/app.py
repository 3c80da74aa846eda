"""The composition root: build the Telegram application and run it with everything it needs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

import handlers
from bot import commands, maintenance
from bot.logs import Pseudonymizer
from bot.runtime import RUNTIME_KEY, AppContext, Runtime
from bot.senders.telegram import TelegramSender
from bot.settings import Settings, SettingsError
from bot.update_processor import PerUserUpdateProcessor
from incidents import files, instances, provinces
from incidents.alerts.service import Alerts
from incidents.clock import Clock, SystemClock
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.outbox import loop as delivery_loop
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Renderer
from incidents.roster.province import ensure_province
from incidents.thread.lifecycle import InstructionReminders
from incidents.throttle import Throttle
from storage import migrate
from storage.db import Database
from storage.models import EventKind, Urgency
from web import server as web_server
from web.app import create_app
from web.phones import Phones

log = logging.getLogger(__name__)
T = TypeVar("T")

TelegramApp = Application[Any, AppContext, Any, Any, Any, Any]

STARTUP_RETRY_LIMIT_S = 60.0
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def load_database(db: Database, settings: Settings) -> int:
    """Apply migrations and load the province; return its id."""
    log.info("bringing the database up to date")
    await migrate.upgrade(db)
    data = provinces.load(settings.province)
    async with db.write() as session:
        province = await ensure_province(session, data)
        return province.id


async def prepare_database(settings: Settings) -> tuple[Database, int]:
    """Secure the data folder, open the database, migrate it and load the province."""
    await asyncio.to_thread(files.secure_tree, settings.data_dir)
    db = Database(settings.resolved_database_url)
    try:
        return db, await load_database(db, settings)
    except BaseException:
        await db.dispose()
        raise


def build_application(runtime: Runtime, token: str) -> TelegramApp:
    """Assemble the python-telegram-bot Application with our handlers and context."""
    settings = runtime.settings
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.resolved_file_base_url)
        .context_types(ContextTypes(context=AppContext))
        # Every text in the catalogue is HTML; values are escaped where they are inserted.
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW))
        .concurrent_updates(PerUserUpdateProcessor())
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime
    handlers.register_all(application)
    return application


async def publish_menu(application: TelegramApp) -> None:
    """Publish the default command menu; a refusal is logged and the bot carries on."""
    menu = [BotCommand(c.name, c.description) for c in commands.PUBLIC_COMMANDS]
    try:
        await application.bot.set_my_commands(menu)
    except TelegramError as exc:
        log.warning("setMyCommands refused, carrying on without a menu: %s", exc)


class TelegramLink(StrEnum):
    """Where the bot stands with the Bot API, as /healthz reports it."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    STOPPED = "stopped"


@dataclass(slots=True)
class Health:
    """The state of the process's parts, read by the web log's /healthz."""

    telegram: TelegramLink = TelegramLink.CONNECTING

    def report(self) -> dict[str, str]:
        """The parts and their states, for /healthz."""
        return {"telegram": self.telegram.value}


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
    """Reach the Bot API (getMe), retrying network failures; a refused token is fatal."""
    delay, attempt = 1.0, 1
    while True:
        try:
            await application.initialize()
            break
        except InvalidToken as exc:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN was refused by the Bot API (Unauthorized): check the token"
            ) from exc
        except NetworkError as exc:
            log.warning(
                "Bot API not reachable (attempt %d: %s); retrying in %.0f s", attempt, exc, delay
            )
            await asyncio.sleep(delay)
            delay, attempt = min(delay * 2, STARTUP_RETRY_LIMIT_S), attempt + 1
    await publish_menu(application)


@contextlib.asynccontextmanager
async def _telegram(
    application: TelegramApp, stop: asyncio.Event, health: Health
) -> AsyncIterator[None]:
    """Poll the Bot API for the duration of the block, once it answers (or until stopped)."""
    try:
        await unless_stopped(stop, _connect(application))
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        health.telegram = TelegramLink.CONNECTED
        yield
    finally:
        health.telegram = TelegramLink.STOPPED
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        # An initialize() cut short leaves the bot's HTTP clients open; this closes them.
        await application.bot.shutdown()


@contextlib.asynccontextmanager
async def _web_log(runtime: Runtime, health: Health, phones: Phones | None) -> AsyncIterator[str]:
    """Serve the web log in this event loop until the block ends; yield its address."""
    settings = runtime.settings
    assert settings.web_port is not None
    app = create_app(runtime.core, health=health.report, phones=phones)
    try:
        async with web_server.running(app, settings.web_host, settings.web_port) as url:
            yield url
    except web_server.WebBindError as exc:
        raise SettingsError(str(exc)) from None


def rules_of(settings: Settings) -> Rules:
    """The core's rules from the deployment's settings."""
    return Rules(
        tz=settings.tz,
        files_dir=settings.files_dir,
        public_base_url=settings.public_base_url,
        ack_deadlines={urgency: settings.ack_deadline(urgency) for urgency in Urgency},
        escalation_roster_ids=tuple(settings.escalation_roster_ids),
        escalation_max_rounds=settings.escalation_max_rounds,
        war_room_chat_id=settings.war_room_chat_id,
        instruction_remind_after=timedelta(minutes=settings.instruction_remind_minutes),
        draft_ttl=timedelta(minutes=settings.draft_ttl_minutes),
        invite_ttl=timedelta(hours=settings.invite_ttl_hours),
        stranger_notice_interval=timedelta(minutes=settings.stranger_notice_interval_minutes),
        web_session_ttl=timedelta(hours=settings.web_session_hours),
        max_attachments=settings.max_attachments,
        max_attachment_mb=settings.max_attachment_mb,
    )


def _runtime(settings: Settings, db: Database, province_id: int, clock: Clock) -> Runtime:
    """The long-lived objects every handler and job uses."""
    events = EventBus()
    throttle = Throttle()
    province = provinces.load(settings.province)
    core = Core(db, clock, rules_of(settings), province, province_id, events, throttle)
    alerts = Alerts(core)
    # Filing a report queues its alerts in the same transaction.
    events.subscribe(EventKind.FILED, alerts.on_filed)
    return Runtime(
        settings=settings,
        db=db,
        clock=clock,
        province=province,
        province_id=province_id,
        pseudonym=Pseudonymizer(settings.log_pseudonym_key.get_secret_value()),
        events=events,
        alerts=alerts,
        throttle=throttle,
        core=core,
    )


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    on_ready: Callable[[Runtime, TelegramApp], Awaitable[None]] | None = None,
    maintenance_interval: float | None = maintenance.INTERVAL_S,
    phones: Phones | None = None,
) -> None:
    """Run the bot and the web log until `stop` is set, which may come in any phase.

    Migrations first; then the web log, at once; then the bot, once the Bot API answers.
    `maintenance_interval=None` leaves the periodic jobs to the caller (tests drive them).
    `phones` makes the web log the sandbox's, with its phone pages.
    """
    token = settings.require_token()
    await asyncio.to_thread(files.secure_tree, settings.data_dir)
    db = Database(settings.resolved_database_url)
    try:
        province_id = await unless_stopped(stop, load_database(db, settings))
        runtime = _runtime(settings, db, province_id, clock or SystemClock())
        application = build_application(runtime, token)
        runtime.dispatcher = DeliveryLoop(
            db,
            TelegramSender(application.bot),
            runtime.clock,
            runtime.alerts,
            Renderer(settings.tz, settings.public_base_url),
            # Everything with timers in the database: reminders, escalation, instructions.
            timers=[runtime.alerts, InstructionReminders(runtime.core)],
            me=settings.resolved_instance_name,
        )
        # A unit of work that queued deliveries wakes the loop the moment it commits.
        runtime.dispatcher.attach()
        health = Health()
        async with contextlib.AsyncExitStack() as stack:
            # Before anything is claimed in this name: it takes back the last life's claims.
            await stack.enter_async_context(
                instances.running(db, settings.resolved_instance_name, runtime.clock)
            )
            if settings.web_port is not None:
                runtime.web_url = await stack.enter_async_context(_web_log(runtime, health, phones))
            await stack.enter_async_context(_telegram(application, stop, health))
            log.info("bot @%s running for %s", application.bot.username, runtime.province.name_en)
            # Pending deliveries from before a restart go out as soon as this starts.
            await stack.enter_async_context(delivery_loop.running(runtime.dispatcher))
            if maintenance_interval is not None:
                await stack.enter_async_context(
                    maintenance.running(runtime, application.bot, maintenance_interval)
                )
            if on_ready is not None:
                await on_ready(runtime, application)
            await stop.wait()
    except StoppedError:
        log.info("stopped before start-up finished")
    finally:
        await db.dispose()

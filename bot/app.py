"""The composition root: build the Telegram application and run it with everything it needs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

import handlers
from bot import maintenance
from bot.intake import telegram as telegram_intake
from bot.intake import webhook
from bot.line import events as line_events
from bot.line import inbound as line_inbound
from bot.line import quota as line_quota
from bot.line.delivering import LineDeliveries
from bot.line.sender import LineSender
from bot.line.webhook import LineWebhookReceiver
from bot.link import TELEGRAM, StoppedError, TelegramApp, telegram, unless_stopped, updates_in
from bot.logs import Pseudonymizer
from bot.runtime import RUNTIME_KEY, AppContext, Runtime
from bot.senders.ratelimit import CountingRateLimiter
from bot.senders.telegram import TelegramSender
from bot.senders.webhook import WebhookSender
from bot.settings import Settings, SettingsError
from incidents import files, instances, photolinks, provinces
from incidents.alerts.service import Alerts
from incidents.clock import Clock, SystemClock
from incidents.config import Rules
from incidents.core import Core
from incidents.events import EventBus
from incidents.inbox import worker as inbox_worker
from incidents.inbox.intake import Intake
from incidents.inbox.worker import InboxWorker
from incidents.observability import metrics
from incidents.observability.health import Health, Link
from incidents.outbox import loop as delivery_loop
from incidents.outbox.delivery import AccountSender
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Renderer
from incidents.roster.province import ensure_province
from incidents.sharing.webhooks import Webhooks
from incidents.thread.lifecycle import InstructionReminders
from incidents.throttle import Throttle
from storage import migrate
from storage.db import Database
from storage.models import Channel, EventKind, Urgency
from web import server as web_server
from web.app import create_app
from web.phones import Phones
from web.routes import webhooks

log = logging.getLogger(__name__)


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
        # Updates come from the durable inbox (bot/intake/), not from PTB's Updater; the inbox
        # keeps each person's updates in order and runs different people's side by side.
        .updater(None)
        .rate_limiter(CountingRateLimiter(max_retries=3))
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime
    handlers.register_all(application)
    return application


@contextlib.asynccontextmanager
async def _web_log(
    runtime: Runtime,
    health: Health,
    phones: Phones | None,
    receivers: Mapping[str, webhooks.Receiver],
) -> AsyncIterator[str]:
    """Serve the web log in this event loop until the block ends; yield its address."""
    settings = runtime.settings
    assert settings.web_port is not None
    app = create_app(
        runtime.core,
        health=health,
        phones=phones,
        receivers=receivers,
        metrics_token=settings.metrics_token.get_secret_value(),
    )
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
        related_window=timedelta(hours=settings.related_window_hours),
        photo_link_key=photolinks.key_from(settings.line_channel_secret.get_secret_value()),
        audit_retention_days=settings.audit_retention_days,
        files_retention_days=settings.files_retention_days,
        redact_closed_after_days=settings.redact_closed_after_days,
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
    # The events subscribing systems asked for are queued in the same transaction too.
    Webhooks(core).subscribe(events)
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
    settings.require_webhook()
    line = settings.require_line()
    await asyncio.to_thread(files.secure_tree, settings.data_dir)
    db = Database(settings.resolved_database_url)
    try:
        province_id = await unless_stopped(stop, load_database(db, settings))
        runtime = _runtime(settings, db, province_id, clock or SystemClock())
        application = build_application(runtime, token)
        async with contextlib.AsyncExitStack() as stack:
            # Before anything is claimed in this name: it takes back the last life's claims.
            me = await stack.enter_async_context(
                instances.running(db, settings.resolved_instance_name, runtime.clock)
            )
            accounts: dict[Channel, AccountSender] = {
                Channel.WEBHOOK: await stack.enter_async_context(WebhookSender())
            }
            if line is not None:
                line_sender = LineSender(line[1], host=settings.line_api_url)
                await stack.enter_async_context(line_sender)
                accounts[Channel.LINE] = LineDeliveries(line_sender)
            runtime.dispatcher = DeliveryLoop(
                db,
                # Every send's outcome is counted for /metrics.
                metrics.CountingSender(TelegramSender(application.bot)),
                runtime.clock,
                runtime.alerts,
                Renderer(
                    settings.tz,
                    settings.public_base_url,
                    photos=photolinks.PhotoLinks(
                        settings.public_base_url, runtime.core.rules.photo_link_key, runtime.clock
                    ),
                ),
                # Everything with timers in the database: reminders, escalation, instructions.
                timers=[runtime.alerts, InstructionReminders(runtime.core)],
                me=me.name,
                accounts=accounts,
            )
            # A unit of work that queued deliveries wakes the loop the moment it commits.
            runtime.dispatcher.attach()
            line_replies = line_inbound.replier(runtime.core) if line else line_inbound.not_sent
            inbox_handlers = {
                telegram_intake.CHANNEL: telegram_intake.handler(
                    application.process_update, application.bot, runtime.core
                ),
                # LINE events stored while LINE was on are handled even if it is off now.
                line_events.CHANNEL: line_inbound.handler(
                    runtime.core,
                    lambda outcome: (runtime.line_sink or line_replies)(outcome),
                ),
            }
            worker = InboxWorker(db, runtime.clock, me.name, inbox_handlers)
            runtime.inbox = worker
            intake = Intake(db, runtime.clock, worker)
            receivers: dict[str, webhooks.Receiver] = {}
            if line is not None:
                receivers[settings.line_webhook_path] = LineWebhookReceiver(intake, line[0])
            if settings.telegram_webhook_url:
                secret = settings.telegram_webhook_secret.get_secret_value()
                receivers[settings.webhook_path] = webhook.WebhookReceiver(
                    application.bot, intake, secret
                )
            health = Health({TELEGRAM: Link.CONNECTING})
            if settings.web_port is not None:
                runtime.web_url = await stack.enter_async_context(
                    _web_log(runtime, health, phones, receivers)
                )
            await stack.enter_async_context(telegram(application, stop, health))
            log.info("bot @%s running for %s", application.bot.username, runtime.province.name_en)
            # Pending deliveries from before a restart go out as soon as this starts.
            await stack.enter_async_context(delivery_loop.running(runtime.dispatcher))
            # Updates stored before a restart (or while connecting) are handled from here on.
            await stack.enter_async_context(inbox_worker.running(worker))
            await stack.enter_async_context(updates_in(application, intake, settings, stop, health))
            if maintenance_interval is not None:
                await stack.enter_async_context(
                    maintenance.running(runtime, application.bot, maintenance_interval)
                )
            if line is not None:
                # LINE's monthly quota, read every hour; the admins told at 80 %.
                runtime.line_quota = await stack.enter_async_context(
                    line_quota.watching(runtime.core, line[1], settings.line_api_url)
                )
            if on_ready is not None:
                await on_ready(runtime, application)
            await stop.wait()
    except StoppedError:
        log.info("stopped before start-up finished")
    finally:
        await db.dispose()

"""What every handler needs at hand: settings, database, clock and province, typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.logs import Pseudonymizer
from bot.settings import Settings
from incidents.clock import Clock
from incidents.core import Core
from incidents.events import EventBus
from incidents.provinces import ProvinceData
from incidents.throttle import Throttle
from storage.db import Database
from storage.models import Person

if TYPE_CHECKING:
    from incidents.alerts.service import Alerts
    from incidents.inbox.worker import InboxWorker
    from incidents.outbox.loop import DeliveryLoop

RUNTIME_KEY = "runtime"


@dataclass(slots=True)
class Runtime:
    """Long-lived objects created once at start-up and closed at shutdown."""

    settings: Settings
    db: Database
    clock: Clock
    province: ProvinceData
    province_id: int
    pseudonym: Pseudonymizer
    events: EventBus
    alerts: Alerts
    throttle: Throttle
    # The core's use cases take this (db, clock, rules, province, events).
    core: Core
    # The delivery loop, set once the Telegram application (whose bot it sends with) exists.
    dispatcher: DeliveryLoop | None = None
    # The inbox worker, which hands stored updates to the application.
    inbox: InboxWorker | None = None
    # What becomes of a handled LINE event's outcome (its reply); None: only logged for now
    # (bot.line.inbound.not_sent). Tests record outcomes here.
    # Typed loosely: the Telegram side (which imports this module) never sees bot.line.
    line_sink: Callable[[Any], Awaitable[None]] | None = None
    # The LINE quota watch (bot.line.quota.QuotaWatch) while LINE is on, loosely typed likewise.
    line_quota: Any = None
    # Where the web log listens (e.g. http://127.0.0.1:8080), once it does; empty when off.
    web_url: str = ""
    # When this process last applied the retention periods (bot.maintenance), if it has.
    retention_applied_at: datetime | None = None

    @property
    def web_base_url(self) -> str:
        """The address people open the web log at: PUBLIC_BASE_URL, else where it listens."""
        return self.settings.public_base_url or self.web_url


class AppContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with typed access to the runtime and the identified person.

    python-telegram-bot builds one context per update and reuses it across handler groups, so
    the access gate (group -1) can leave the person it identified for the handlers after it.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None

    @property
    def runtime(self) -> Runtime:
        """The application's runtime."""
        return cast(Runtime, self.bot_data[RUNTIME_KEY])

    def require_person(self) -> Person:
        """The person the gate identified; handlers after the gate can rely on it."""
        if self.person is None:
            raise RuntimeError("handler ran without an identified person")
        return self.person

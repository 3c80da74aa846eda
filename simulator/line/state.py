"""State of the fake LINE Platform: the channel, its users, tokens, quota, records and faults.

One ``threading.Lock`` guards everything: the server thread and the test's thread both call
in. Methods whose name ends in ``_locked`` expect the lock held.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from simulator.line import ids
from simulator.line.models import (
    ApiCall,
    Endpoint,
    Fault,
    JSONDict,
    LineApiError,
    RateLimit,
    SentMessage,
    WebhookAttempt,
)
from simulator.line.records import (
    AcceptedKey,
    Chat,
    Clock,
    Content,
    PendingEvent,
    ReplyToken,
    SystemClock,
)


class LineState:
    """Storage, users, tokens, quota, recorded traffic and fault injection."""

    def __init__(
        self,
        channel_access_token: str,
        channel_secret: str,
        *,
        bot_user_id: str | None = None,
        clock: Clock | None = None,
        monthly_limit: int | None = None,
        webhook_url: str | None = None,
        webhook_redelivery: bool = True,
        redelivery_interval: float = 0.2,
        max_deliveries: int = 10,
        webhook_timeout: float = 2.0,
    ) -> None:
        self.channel_secret = channel_secret
        self.bot_user_id = bot_user_id or ids.new_user_id()
        self.webhook_redelivery = webhook_redelivery
        self.redelivery_interval = redelivery_interval
        self.max_deliveries = max_deliveries
        self.webhook_timeout = webhook_timeout
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._notify: Callable[[], None] = lambda: None  # wakes the webhook worker
        self._access_tokens = {channel_access_token}
        self._webhook_url = webhook_url
        self._monthly_limit = monthly_limit
        self._usage: dict[tuple[int, int], int] = {}
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._message_ids = itertools.count(ids.FIRST_MESSAGE_ID)
        self._chats: dict[str, Chat] = {}
        self._reply_tokens: dict[str, ReplyToken] = {}
        self._retry_keys: dict[str, AcceptedKey] = {}
        self._contents: dict[str, Content] = {}
        self._sent: list[SentMessage] = []
        self._calls: list[ApiCall] = []
        self._events: list[JSONDict] = []
        self._outbox: deque[PendingEvent] = deque()
        self._attempts: list[WebhookAttempt] = []
        self._faults: list[Fault] = []
        self._rate_limits: dict[Endpoint, RateLimit] = {}
        self._in_flight = 0

    # ------------------------------------------------------------- helpers
    def _now(self) -> datetime:
        return self._clock.now()

    def _next_seq_locked(self) -> int:
        self._last_seq = next(self._seq)
        return self._last_seq

    def _next_message_id_locked(self) -> str:
        return str(next(self._message_ids))

    def _chat_locked(self, user_id: str) -> Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            raise LookupError(f"no LINE user {user_id}")
        return chat

    def mark(self) -> int:
        """A point in the recorded traffic; pass it as ``since`` to look only at what follows."""
        with self._lock:
            return self._last_seq

    # --------------------------------------------------------- configuration
    @property
    def webhook_url(self) -> str | None:
        """Where webhook events are POSTed; None while the webhook is off."""
        with self._lock:
            return self._webhook_url

    def set_webhook(self, url: str | None) -> None:
        """Set (or, with None, turn off) the webhook URL, as the console does."""
        with self._lock:
            self._webhook_url = url
        self._notify()

    def issue_access_token(self, token: str) -> None:
        """Make another channel access token valid."""
        with self._lock:
            self._access_tokens.add(token)

    def revoke_access_token(self, token: str) -> None:
        """Make a channel access token invalid; requests with it get 401."""
        with self._lock:
            self._access_tokens.discard(token)

    def set_quota(self, monthly_limit: int | None, *, used: int | None = None) -> None:
        """Set the month's target limit (None: no limit) and, optionally, what is used."""
        with self._lock:
            self._monthly_limit = monthly_limit
            if used is not None:
                self._usage[self._month_locked()] = used

    # ----------------------------------------------------------------- quota
    def _month_locked(self) -> tuple[int, int]:
        now = self._now()
        return now.year, now.month

    def _usage_locked(self) -> int:
        return self._usage.get(self._month_locked(), 0)

    @property
    def consumption(self) -> int:
        """Messages counted against this month's quota."""
        with self._lock:
            return self._usage_locked()

    def _charge_locked(self, recipients: int) -> None:
        """Count ``recipients`` messages, or refuse them all when the limit would be passed."""
        used = self._usage_locked()
        if self._monthly_limit is not None and used + recipients > self._monthly_limit:
            raise LineApiError(429, "You have reached your monthly limit.")
        self._usage[self._month_locked()] = used + recipients

    # ------------------------------------------------------- fault injection
    def fail_next(
        self,
        endpoint: Endpoint | str,
        status: int,
        *,
        times: int = 1,
        message: str | None = None,
        executed: bool = False,
    ) -> None:
        """Answer the next ``times`` calls of ``endpoint`` with ``status``.

        With ``executed`` the request takes effect first (messages sent, retry key
        accepted), as a 5xx after the platform already acted would.
        """
        fault = Fault(Endpoint(endpoint), times, status=status, message=message, executed=executed)
        with self._lock:
            self._faults.append(fault)

    def delay_next(self, endpoint: Endpoint | str, seconds: float, *, times: int = 1) -> None:
        """Answer the next calls of ``endpoint`` only after ``seconds`` (they take effect first)."""
        with self._lock:
            self._faults.append(Fault(Endpoint(endpoint), times, delay=seconds))

    def lose_next_answer(self, endpoint: Endpoint | str, *, times: int = 1) -> None:
        """Execute the next calls of ``endpoint``, then drop the connection without answering."""
        with self._lock:
            self._faults.append(Fault(Endpoint(endpoint), times, lose=True))

    def set_rate_limit(
        self, endpoint: Endpoint | str, requests: int | None, *, window: float = 60.0
    ) -> None:
        """Allow ``requests`` calls of ``endpoint`` per ``window`` seconds (None: no limit)."""
        with self._lock:
            if requests is None:
                self._rate_limits.pop(Endpoint(endpoint), None)
            else:
                self._rate_limits[Endpoint(endpoint)] = RateLimit(requests, window)

    def clear_faults(self) -> None:
        """Forget every injected fault and rate limit."""
        with self._lock:
            self._faults.clear()
            self._rate_limits.clear()

    def _take_fault_locked(self, endpoint: Endpoint) -> Fault | None:
        for fault in self._faults:
            if fault.endpoint is endpoint and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _rate_limited_locked(self, endpoint: Endpoint) -> bool:
        limit = self._rate_limits.get(endpoint)
        if limit is None:
            return False
        now = time.monotonic()
        limit.hits = [t for t in limit.hits if now - t < limit.window]
        if len(limit.hits) >= limit.requests:
            return True
        limit.hits.append(now)
        return False

    # -------------------------------------------------------------- records
    def sent_messages(
        self, user_id: str | None = None, *, since: int | None = None, delivered: bool = False
    ) -> list[SentMessage]:
        """Message objects the bot sent (to ``user_id``), oldest first.

        With ``delivered`` only those that reached the user (not blocked, a friend …).
        """
        with self._lock:
            return [
                m
                for m in self._sent
                if (user_id is None or m.user_id == user_id)
                and (since is None or m.seq > since)
                and (m.delivered or not delivered)
            ]

    def calls(
        self, endpoint: Endpoint | str | None = None, *, since: int | None = None
    ) -> list[ApiCall]:
        """Requests the bot made (to ``endpoint``), oldest first."""
        wanted = None if endpoint is None else Endpoint(endpoint)
        with self._lock:
            return [
                c
                for c in self._calls
                if (wanted is None or c.endpoint is wanted) and (since is None or c.seq > since)
            ]

    def webhook_attempts(self, webhook_event_id: str | None = None) -> list[WebhookAttempt]:
        """Every POST of a webhook event (of ``webhook_event_id``), oldest first."""
        with self._lock:
            return [
                a
                for a in self._attempts
                if webhook_event_id is None or a.webhook_event_id == webhook_event_id
            ]

    def events(self) -> list[JSONDict]:
        """Every webhook event the platform generated, in the order they occurred."""
        with self._lock:
            return list(self._events)

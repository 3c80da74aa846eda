"""Which webhook event goes out next, and what the bot's answer means for it."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from simulator.line.api import LineApi
from simulator.line.events import SIGNATURE_HEADER, new_event, redelivered, sign, webhook_body
from simulator.line.ids import new_reply_token
from simulator.line.models import Injected, JSONDict, WebhookAttempt
from simulator.line.records import REPLY_TOKEN_TTL, PendingEvent, ReplyToken


@dataclass(frozen=True)
class Delivery:
    """One POST to make: where, what, and with which headers."""

    pending: PendingEvent
    url: str
    body: bytes
    headers: dict[str, str]
    redelivery: bool


class Dispatch(LineApi):
    """The webhook side of the state: events in, deliveries out."""

    def _emit_locked(self, kind: str, user_id: str, *, reply: bool, **fields: object) -> Injected:
        """Create an event, give it a reply token if it can be answered, and queue it."""
        now = self._now()
        token = None
        if reply:
            token = new_reply_token()
            self._reply_tokens[token] = ReplyToken(user_id, now)
        event = new_event(kind, user_id, now, reply_token=token, **fields)
        self._events.append(event)
        event_id = str(event["webhookEventId"])
        # Without a webhook URL ("Use webhook" off) events are not sent, then or later.
        if self._webhook_url is not None:
            self._outbox.append(PendingEvent(event_id, event))
        return Injected(event, event_id, reply_token=token)

    def _next_delivery(self) -> Delivery | float | None:
        """The next due delivery, else seconds until one is due (None: nothing queued)."""
        now = time.monotonic()
        with self._lock:
            url = self._webhook_url
            waiting = [p for p in self._outbox if not p.settled]
            if url is None or not waiting:
                return None
            pending = min(waiting, key=lambda p: p.due)
            if pending.due > now:
                return pending.due - now
            pending.attempts += 1
            again = pending.attempts > 1
            event = redelivered(pending.event) if again else pending.event
            self._refresh_reply_token_locked(event)
        body = webhook_body(self.bot_user_id, [event])
        headers = {
            "content-type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(self.channel_secret, body),
            "user-agent": "LineBotWebhook/2.0",
        }
        return Delivery(pending, url, body, headers, again)

    def _refresh_reply_token_locked(self, event: JSONDict) -> None:
        # A reply token works for a minute after the webhook (or its redelivery) is received.
        token = self._reply_tokens.get(str(event.get("replyToken")))
        if token is not None and not token.used:
            token.valid_until = self._now() + REPLY_TOKEN_TTL

    def _delivery_done(self, delivery: Delivery, status: int | None, error: str | None) -> None:
        """Record the bot's answer; redeliver later unless it was 2xx."""
        pending = delivery.pending
        with self._lock:
            attempt = WebhookAttempt(
                pending.webhook_event_id,
                pending.attempts,
                delivery.redelivery,
                status,
                error,
                self._now(),
            )
            self._attempts.append(attempt)
            if attempt.acknowledged:
                pending.settled = True
            elif not self.webhook_redelivery or pending.attempts >= self.max_deliveries:
                pending.settled = True  # given up, as the platform eventually does
            else:
                pending.due = time.monotonic() + self.redelivery_interval
            self._outbox = deque(p for p in self._outbox if not p.settled)

    def webhook_idle(self) -> bool:
        """Whether every queued event was acknowledged or given up."""
        with self._lock:
            return not self._outbox

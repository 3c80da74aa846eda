"""Sending webhook deliveries: an HTTPS POST of the event's JSON, signed, to the subscriber.

The answer decides what the outbox does: 2xx is sent; 408, 425, 429 (after its Retry-After)
and 5xx, timeouts and network errors are tried again with back-off; 410 Gone means the
receiver wants no more (failed, the admins told); any other 4xx is a refusal of this event.
Redirects are not followed: a receiver's address is the one the admin registered.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from types import TracebackType

import httpx

from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.render import Rendered
from incidents.sharing import webhooks

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = "incident-bot-webhooks/1"
_AGAIN = frozenset({408, 425, 429})
MAX_RETRY_AFTER_S = 300


class WebhookSender:
    """The outbox's sender for Channel.WEBHOOK (an AccountSender: the address is the
    subscriber's id, the retry key the delivery id)."""

    def __init__(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=TIMEOUT, follow_redirects=False, headers={"user-agent": USER_AGENT}
        )

    async def __aenter__(self) -> WebhookSender:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    async def send_to(
        self, address: str, rendered: Rendered, *, retry_key: str | None, reply_token: str
    ) -> SendOutcome:
        """POST the event to its subscriber's address, signed at this attempt's time."""
        del reply_token
        call = rendered.webhook
        if call is None:
            return SendOutcome(OutcomeKind.REFUSED, error="not a webhook delivery")
        headers = {
            "content-type": "application/json; charset=utf-8",
            webhooks.SIGNATURE_HEADER: webhooks.signature(call.secret, int(time.time()), call.body),
            webhooks.DELIVERY_HEADER: retry_key or "",
            webhooks.EVENT_HEADER: call.event,
        }
        try:
            answer = await self._client.post(call.url, content=call.body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("webhook to subscriber %s: %s", address, type(exc).__name__)
            return SendOutcome(OutcomeKind.TRANSIENT, error=f"network: {type(exc).__name__}")
        return outcome_of(answer)


def outcome_of(answer: httpx.Response) -> SendOutcome:
    """What a receiver's answer means for the delivery."""
    status = answer.status_code
    if 200 <= status < 300:
        return SendOutcome(OutcomeKind.SENT)
    error = f"HTTP {status}"
    if status == 429:
        return SendOutcome(OutcomeKind.RETRY_AFTER, error=error, retry_after=_retry_after(answer))
    if status in _AGAIN or status >= 500:
        return SendOutcome(OutcomeKind.TRANSIENT, error=error)
    if status == 410:
        return SendOutcome(OutcomeKind.UNREACHABLE, error=error)
    return SendOutcome(OutcomeKind.REFUSED, error=error)


def _retry_after(answer: httpx.Response) -> timedelta:
    raw = answer.headers.get("retry-after", "")
    seconds = int(raw) if raw.isascii() and raw.isdigit() else 5
    return timedelta(seconds=min(max(seconds, 1), MAX_RETRY_AFTER_S))

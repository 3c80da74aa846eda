"""Sending webhook deliveries: an HTTPS POST of the event's JSON, signed, to the subscriber.

The answer decides what the outbox does: 2xx is sent; 408, 425, 429 (after its Retry-After)
and 5xx, timeouts and network errors are tried again with back-off; 410 Gone means the
receiver wants no more (failed, the subscriber revoked, the admins told once); any other 4xx
is a refusal of this event. Redirects are not followed: a receiver's address is the one the
admin registered. The answer's body is never read, each attempt has a deadline as a whole (a
receiver that drips its answer does not hold a send), and at most a few sends to one
subscriber are in flight at once, so a slow receiver holds only its own events, never the
alerts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
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
DEADLINE_S = 15.0  # one attempt, from connecting to the answer's status line
PER_SUBSCRIBER = 4  # sends to one subscriber in flight at once


class WebhookSender:
    """The outbox's sender for Channel.WEBHOOK (an AccountSender: the address is the
    subscriber's id, the retry key the delivery id)."""

    def __init__(self) -> None:
        # One semaphore per subscriber (the delivery's address), made when first sent to.
        self._client = httpx.AsyncClient(
            timeout=TIMEOUT, follow_redirects=False, headers={"user-agent": USER_AGENT}
        )
        self._slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(PER_SUBSCRIBER)
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
        async with self._slots[address]:
            try:
                async with asyncio.timeout(DEADLINE_S):
                    request = self._client.build_request(
                        "POST", call.url, content=call.body, headers=headers
                    )
                    answer = await self._client.send(request, stream=True)
                    await answer.aclose()  # the status is the answer; the body is not read
            except (httpx.HTTPError, TimeoutError) as exc:
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

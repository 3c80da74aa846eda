"""The LINE sender: message objects as Messaging API calls, LINE's answers as the core's outcomes.

One long-lived `AsyncApiClient` (its aiohttp session) serves every call; `close()` it at
shutdown. A push carries the delivery's retry key (`X-Line-Retry-Key`, a hexadecimal UUID
the caller keeps with the delivery), so a retry after a lost answer is answered `409` and
nothing arrives twice. A reply uses the reply token instead (replies take no retry key and
are free of the monthly quota); an expired or used token falls back to a push with the key.

LINE's message ids are strings of digits: a SENT outcome carries the first sent message's id
in `SendOutcome.external_id` (and `message_id` stays None).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from incidents.outbox.delivery import OutcomeKind, SendOutcome

log = logging.getLogger(__name__)

API_HOST = "https://api.line.me"
# LINE answers in well under a second; a long timeout keeps a slow answer from being taken for
# a lost one (harmless with a retry key, but it costs a second request).
REQUEST_TIMEOUT_S = 20
# LINE's 429 for its rate limit gives no Retry-After; wait about this long (jittered so that
# many deliveries do not come back at once) unless it does.
RATE_LIMIT_DELAY = timedelta(seconds=5)

INVALID_REPLY_TOKEN = "invalid reply token"  # noqa: S105 - LINE's error wording
MONTHLY_LIMIT = "monthly limit"


def error_of(exc: ApiException) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """LINE's `message` and `details` of an error answer, and the whole body as read."""
    raw = exc.body
    try:
        body = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("message") or exc.reason or "")
    details = body.get("details")
    return message, details if isinstance(details, list) else [], body


def _first_id(sent: Sequence[Any]) -> str:
    """The id of the first sent message, from SDK objects or a raw JSON list."""
    for item in sent:
        value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
        if value:
            return str(value)
    return ""


def _retry_after(exc: ApiException) -> timedelta:
    headers = exc.headers or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        if value:
            return timedelta(seconds=float(value))
    except ValueError:
        pass
    return RATE_LIMIT_DELAY * random.uniform(1.0, 2.0)  # noqa: S311 - jitter, not crypto


def outcome_of(exc: ApiException) -> SendOutcome:
    """What an error answer of the Messaging API means for the delivery."""
    status = int(exc.status or 0)
    message, details, body = error_of(exc)
    error = f"line {status}: {message}"
    if status == 409:
        # The retry key was already accepted: the earlier request did send, once.
        return SendOutcome(OutcomeKind.SENT, external_id=_first_id(body.get("sentMessages", [])))
    if status == 429:
        if MONTHLY_LIMIT in message.lower():
            return SendOutcome(OutcomeKind.QUOTA, error=error)
        return SendOutcome(OutcomeKind.RETRY_AFTER, error=error, retry_after=_retry_after(exc))
    if status in (401, 403):
        log.error("LINE refused the channel's credentials or rights: %s", error)
        return SendOutcome(OutcomeKind.UNEXPECTED, error=error)
    if status >= 500:
        return SendOutcome(OutcomeKind.TRANSIENT, error=error)
    if 400 <= status < 500:
        # A bug of ours (a malformed message, an unknown user id): LINE's words and the
        # properties at fault are logged, never the text that was sent.
        log.error("LINE refused a message: %s %s", error, details)
        return SendOutcome(OutcomeKind.REFUSED, error=error)
    return SendOutcome(OutcomeKind.UNEXPECTED, error=error)


class LineSender:
    """Sends message objects with one channel access token over one long-lived client."""

    def __init__(
        self, access_token: str, *, host: str = API_HOST, timeout_s: float = REQUEST_TIMEOUT_S
    ) -> None:
        self.timeout_s = timeout_s
        self.client = AsyncApiClient(Configuration(host=host, access_token=access_token))
        self.api = AsyncMessagingApi(self.client)

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        await self.client.close()

    async def __aenter__(self) -> LineSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(
        self,
        to: str,
        messages: Sequence[Any],
        *,
        retry_key: str | None,
        reply_token: str | None = None,
    ) -> SendOutcome:
        """Send 1 to 5 SDK message objects to the user `to`: as a reply when a reply token
        is given (falling back to a push once it is no longer valid), else as a push with
        `retry_key`. Report how it went."""
        if reply_token is not None:
            outcome = await self._reply(reply_token, messages)
            if outcome is not None:
                return outcome
        return await self._push(to, messages, retry_key)

    async def _reply(self, token: str, messages: Sequence[Any]) -> SendOutcome | None:
        """The reply's outcome, or None when the token is no longer good (push instead)."""
        request = ReplyMessageRequest(reply_token=token, messages=list(messages))
        try:
            answer = await self.api.reply_message(request, _request_timeout=self.timeout_s)
        except ApiException as exc:
            message, _, _ = error_of(exc)
            if exc.status == 400 and INVALID_REPLY_TOKEN in message.lower():
                log.info("reply token no longer valid; pushing instead")
                return None
            return outcome_of(exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            # A lost reply may have arrived, and replies have no retry key: the retry finds
            # the token used and pushes, so the person may read it twice. Replies are for
            # answering a person's own message; alerts go by push, which is exactly once.
            return SendOutcome(OutcomeKind.TRANSIENT, error=f"network: {exc!r}")
        return SendOutcome(OutcomeKind.SENT, external_id=_first_id(answer.sent_messages or []))

    async def _push(self, to: str, messages: Sequence[Any], retry_key: str | None) -> SendOutcome:
        request = PushMessageRequest(to=to, messages=list(messages))
        try:
            answer = await self.api.push_message(
                request, x_line_retry_key=retry_key, _request_timeout=self.timeout_s
            )
        except ApiException as exc:
            return outcome_of(exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Timeouts, refused or dropped connections; the same key makes the retry safe.
            return SendOutcome(OutcomeKind.TRANSIENT, error=f"network: {exc!r}")
        # A blocked user also gets a 200 and nothing: LINE does not tell, so it is SENT.
        return SendOutcome(OutcomeKind.SENT, external_id=_first_id(answer.sent_messages or []))

"""LINE's webhook: the LINE Platform posts events to LINE_WEBHOOK_PATH; 200 once they are stored.

Every request's X-Line-Signature (base64 of the HMAC-SHA256 of the raw body, keyed with the
channel secret) is checked before the body is even parsed. A missing or wrong one gets 403, as
Telegram's wrong secret does: the request proves it does not come from LINE, and no other
credentials would help (401 would ask for an authentication scheme there is none of). The
console's "Verify" button posts a correctly signed request with no events, which gets 200; a
wrong channel secret in our settings shows there as a failed verification.

Which piece of line-bot-sdk does what (issue 13: the official SDK unless a measured reason says
otherwise): the check is the SDK's own `SignatureValidator` (constant-time comparison of the
base64 signatures). It takes the body as text and signs its UTF-8 encoding, which is the raw
body only when the body is UTF-8: a body that is not cannot be shown to come from LINE (LINE
posts UTF-8 JSON) and gets 403 like a wrong signature. The SDK's `WebhookParser` is not used to
read the events, because of what it does to them (measured with line-bot-sdk 3.27): its models
drop every field they do not know (a new field LINE adds would be gone before it is stored,
and we store each event's raw JSON, read later by bot/line/events.py), and it raises on events
our handler reads fine, such as a follow in standby mode without a reply token, which would
turn a whole request's events away. So the events are taken from the JSON here, kept whole.

A well-signed body that is not a webhook gets 400. Events are stored as inbox rows, all of one
request in one transaction; a store failure gets 503 and LINE redelivers (when redelivery is
on), with the same webhookEventId, which the inbox's unique key drops if it got in after all.

Events from groups and rooms are acknowledged and not stored: the province talks to each
person one-on-one, and keeping other members' group chatter would keep personal data for
nothing (PDPA). Events with no source at all are dropped the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from linebot.v3.webhook import SignatureValidator

from bot.line.events import CHANNEL, lane_of_user
from incidents.inbox.intake import Intake
from incidents.inbox.store import Arrival

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-line-signature"


class BadWebhookError(ValueError):
    """A well-signed body that is not a LINE webhook."""


def arrivals_of(payload: Any) -> tuple[list[Arrival], int]:
    """The inbox rows of a webhook body's events, and how many events were not a user's."""
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise BadWebhookError("no events list")
    arrivals: list[Arrival] = []
    skipped = 0
    for event in payload["events"]:
        if not isinstance(event, dict):
            raise BadWebhookError("an event is not an object")
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
            raise BadWebhookError("an event has no webhookEventId")
        source = event.get("source")
        user_id = source.get("userId") if isinstance(source, dict) else None
        if not isinstance(source, dict) or source.get("type") != "user" or not user_id:
            skipped += 1
            continue
        arrivals.append(Arrival(CHANNEL, event_id, lane_of_user(str(user_id)), event))
    return arrivals, skipped


class LineWebhookReceiver:
    """Checks, stores and acknowledges one posted webhook request."""

    def __init__(self, intake: Intake, channel_secret: str) -> None:
        self.intake = intake
        self._validator = SignatureValidator(channel_secret)
        self.refused = 0

    def _signed(self, headers: Mapping[str, str], body: bytes) -> bool:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return bool(self._validator.validate(text, headers.get(SIGNATURE_HEADER, "")))

    async def __call__(self, headers: Mapping[str, str], body: bytes) -> int:
        """The HTTP status to answer with."""
        if not self._signed(headers, body):
            self.refused += 1
            # Never the body: whoever forged it chose what it says.
            log.warning("LINE webhook post with a missing or wrong signature refused")
            return 403
        try:
            arrivals, skipped = arrivals_of(json.loads(body))
        except (ValueError, UnicodeDecodeError) as exc:
            log.warning("LINE webhook post is not a webhook (%s)", exc)
            return 400
        if skipped:
            log.info("LINE webhook: %d event(s) not from a one-on-one chat dropped", skipped)
        try:
            await self.intake.receive(arrivals)
        except Exception:
            log.exception("storing %d LINE webhook event(s) failed", len(arrivals))
            return 503
        return 200

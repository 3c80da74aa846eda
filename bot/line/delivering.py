"""LINE as a delivery channel: the outbox's rendered deliveries through the LINE sender.

An alert goes as its Flex card (incidents/outbox/card.py through bot/line/cards), with an
escalation's words as a text message above it; any other delivery as bot/line/messages makes
it. A push carries the delivery's own retry key, so a retry after a lost answer is made once;
the answer to a person's own message uses its reply token while it is good (free of the
monthly quota). Files are not sent on LINE (they need an address LINE can fetch): the core
does not queue them, and one that comes anyway is refused here, never sent half.
"""

from __future__ import annotations

from typing import Any

from bot.line.cards import alert_message, text_message
from bot.line.messages import messages_of
from bot.line.sender import LineSender
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.render import Rendered

MAX_MESSAGES = 5  # per push or reply request


def line_messages(rendered: Rendered) -> list[Any] | None:
    """The message objects of a rendered delivery; None for what LINE cannot show."""
    if rendered.card is not None:
        above = [text_message(rendered.card_intro)] if rendered.card_intro else []
        return [*above, alert_message(rendered.card)]
    return messages_of(rendered)


class LineDeliveries:
    """The outbox's sender for channel LINE (incidents.outbox.delivery.AccountSender)."""

    def __init__(self, sender: LineSender) -> None:
        self.sender = sender

    async def send_to(
        self, address: str, rendered: Rendered, *, retry_key: str | None, reply_token: str
    ) -> SendOutcome:
        messages = line_messages(rendered)
        if not messages:
            return SendOutcome(OutcomeKind.REFUSED, error=f"line: cannot send {rendered.method}")
        return await self.sender.send(
            address,
            messages[:MAX_MESSAGES],
            retry_key=retry_key,
            reply_token=reply_token or None,
        )

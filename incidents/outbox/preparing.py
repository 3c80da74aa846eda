"""Making a claimed delivery ready to send: its content, where it goes, what it refers to."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from incidents.outbox import queue as outbox
from incidents.outbox.delivery import Prepared, current_address, current_chat
from incidents.outbox.render import Renderer
from storage.models import Channel, Delivery

log = logging.getLogger(__name__)


async def prepare(session: AsyncSession, renderer: Renderer, delivery: Delivery) -> Prepared:
    """A claimed delivery rendered as of now; a rendering failure is an error to retry."""
    try:
        return await _prepare(session, renderer, delivery)
    except Exception as exc:
        log.exception("rendering delivery %s failed", delivery.id)
        return Prepared(None, None, None, delivery.chat_id, error=f"render: {exc!r}")


async def _prepare(session: AsyncSession, renderer: Renderer, delivery: Delivery) -> Prepared:
    chat_id, skip = await current_chat(session, delivery)
    if skip:
        return Prepared(None, None, None, chat_id, skip=skip)
    rendered = await renderer.render(session, delivery)
    if delivery.channel is not Channel.TELEGRAM:
        # Nothing to reply to or edit there: each message stands alone.
        address = await current_address(session, delivery)
        return Prepared(rendered, None, None, chat_id, address=address)
    _, reply_to = await outbox.message_id_of(session, delivery.reply_to_id)
    _, target = await outbox.message_id_of(session, delivery.edit_of_id)
    if chat_id != delivery.chat_id:
        reply_to = None  # the message replied to is in the account they left
    return Prepared(rendered, reply_to, target, chat_id)


def prepare_fresh(renderer: Renderer, delivery: Delivery) -> Prepared:
    """A just-written alert or reply, from the objects its own transaction wrote (nothing to
    load)."""
    try:
        rendered = renderer.fresh(delivery)
        return Prepared(rendered, None, None, delivery.chat_id, address=delivery.address)
    except Exception as exc:
        log.exception("rendering delivery %s failed", delivery.id)
        return Prepared(None, None, None, delivery.chat_id, error=f"render: {exc!r}")

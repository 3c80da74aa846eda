"""The Telegram sender: rendered deliveries as Bot API calls, its errors as the core's outcomes.

Texts become Telegram HTML (every run escaped), buttons inline keyboards and the keyboard a
reply names a reply keyboard, all through handlers/markup, whose callback data comes from the
one codec. Flood limits are
python-telegram-bot's AIORateLimiter; a `retry_after` it gives up on comes back as RETRY_AFTER.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from handlers.markup import html, keyboard, markup_of
from incidents.outbox.delivery import OutcomeKind, SendOutcome
from incidents.outbox.render import Method, Rendered

# Telegram answers in well under a second; a long read timeout keeps a slow answer from being
# mistaken for a lost one (which would be retried and could arrive twice).
SEND_TIMEOUTS: dict[str, Any] = {"read_timeout": 20, "write_timeout": 20, "connect_timeout": 10}

_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")
_NOTHING_TO_DO = ("message is not modified", "message to edit not found")


def outcome_of(exc: TelegramError) -> SendOutcome:
    """What a Bot API error means for the delivery."""
    match exc:
        case RetryAfter(retry_after=seconds):
            delay = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
            return SendOutcome(OutcomeKind.RETRY_AFTER, error="retry_after", retry_after=delay)
        case Forbidden():
            return SendOutcome(OutcomeKind.UNREACHABLE, error=exc.message)
        case BadRequest():
            reason = exc.message.lower()
            if any(part in reason for part in _NOTHING_TO_DO):
                return SendOutcome(OutcomeKind.UNCHANGED)
            if any(part in reason for part in _GONE):
                return SendOutcome(OutcomeKind.UNREACHABLE, error=exc.message)
            return SendOutcome(OutcomeKind.REFUSED, error=exc.message)
        case NetworkError():  # timeouts and 5xx included
            return SendOutcome(OutcomeKind.TRANSIENT, error=f"network: {exc}")
    return SendOutcome(OutcomeKind.UNEXPECTED, error=f"telegram: {exc}")


class TelegramSender:
    """Sends deliveries with one bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> SendOutcome:
        """Make the Bot API call for `rendered`; report how it went."""
        try:
            message_id = await self._call(chat_id, rendered, reply_to, target)
        except TelegramError as exc:
            return outcome_of(exc)
        return SendOutcome(OutcomeKind.SENT, message_id=message_id)

    async def _call(
        self, chat_id: int, rendered: Rendered, reply_to: int | None, target: int | None
    ) -> int | None:
        reply = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        sent: Message | bool
        match rendered.method:
            case Method.EDIT_TEXT:
                assert target is not None
                sent = await self.bot.edit_message_text(
                    html(rendered.text),
                    chat_id=chat_id,
                    message_id=target,
                    reply_markup=keyboard(rendered.buttons),
                    **SEND_TIMEOUTS,
                )
                return target
            case Method.TEXT:
                sent = await self.bot.send_message(
                    chat_id,
                    html(rendered.text),
                    reply_markup=markup_of(rendered.buttons, rendered.keyboard),
                    reply_parameters=reply,
                    **SEND_TIMEOUTS,
                )
            case Method.LOCATION:
                assert rendered.latitude is not None and rendered.longitude is not None
                sent = await self.bot.send_location(
                    chat_id,
                    rendered.latitude,
                    rendered.longitude,
                    reply_parameters=reply,
                    **SEND_TIMEOUTS,
                )
            case _:
                sent = await self._send_file(chat_id, rendered, reply)
        return sent.message_id if isinstance(sent, Message) else None

    async def _send_file(
        self, chat_id: int, rendered: Rendered, reply: ReplyParameters | None
    ) -> Message:
        common: dict[str, Any] = {"reply_parameters": reply, **SEND_TIMEOUTS}
        caption = html(rendered.text) or None
        file_id = rendered.file_id
        assert file_id is not None
        match rendered.method:
            case Method.PHOTO:
                return await self.bot.send_photo(chat_id, file_id, caption=caption, **common)
            case Method.VOICE:
                return await self.bot.send_voice(chat_id, file_id, caption=caption, **common)
            case Method.VIDEO:
                return await self.bot.send_video(chat_id, file_id, caption=caption, **common)
            case Method.AUDIO:
                return await self.bot.send_audio(chat_id, file_id, caption=caption, **common)
            case _:
                return await self.bot.send_document(chat_id, file_id, caption=caption, **common)

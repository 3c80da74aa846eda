"""A chat as the person in it sees it on their phone, for the sandbox's pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.telegram.models import JSONDict
from simulator.telegram.render import entities_to_html
from simulator.telegram.state import State

_KINDS = ("text", "photo", "document", "location", "voice", "sticker", "contact", "video")


@dataclass(frozen=True)
class Button:
    """A button of an inline keyboard or of a reply keyboard."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    request_location: bool = False
    request_contact: bool = False


@dataclass(frozen=True)
class Quote:
    """The message a reply answers, as shown above the reply."""

    message_id: int
    sender: str
    text: str | None  # its text or caption; None for a photo, a location, …
    kind: str


@dataclass(frozen=True)
class ViewMessage:
    """One message of the chat, edits applied."""

    message_id: int
    from_bot: bool
    sender: str
    date: int
    kind: str  # text, photo, document, location, voice, sticker, contact, video, other
    text: str | None  # text or caption, as shown
    entities: list[JSONDict]
    html: str  # text with its formatting, escaped, for a browser ("" without text)
    edited: bool = False
    reply_to: Quote | None = None
    inline_keyboard: list[list[Button]] = field(default_factory=list)
    file_id: str | None = None  # the largest photo size, the document, …
    file_name: str | None = None
    location: tuple[float, float] | None = None  # latitude, longitude


@dataclass(frozen=True)
class ReplyKeyboard:
    """The keyboard the bot put in place of the phone's own; ``collapsed`` once used."""

    rows: list[list[Button]]
    one_time: bool
    placeholder: str | None
    collapsed: bool = False


@dataclass(frozen=True)
class Popup:
    """The bot's answer to a button press: a brief notification, or an alert to close."""

    seq: int
    query_id: str
    message_id: int | None
    text: str
    show_alert: bool


@dataclass(frozen=True)
class ChatView:
    """Everything a phone shows of one chat; ``seq`` is the feed position it reflects."""

    chat_id: int
    title: str
    seq: int
    messages: list[ViewMessage]
    reply_keyboard: ReplyKeyboard | None
    popups: list[Popup]


def _button(raw: Any) -> Button:
    if isinstance(raw, str):
        return Button(raw)
    return Button(
        text=str(raw.get("text", "")),
        callback_data=raw.get("callback_data"),
        url=raw.get("url"),
        request_location=bool(raw.get("request_location")),
        request_contact=bool(raw.get("request_contact")),
    )


def _rows(rows: Any) -> list[list[Button]]:
    return [[_button(b) for b in row] for row in rows or []]


def _kind(message: JSONDict) -> str:
    return next((k for k in _KINDS if k in message), "other")


def _file(message: JSONDict, kind: str) -> tuple[str | None, str | None]:
    if kind == "photo":
        return str(message["photo"][-1]["file_id"]), None
    item = message.get(kind)
    if kind in ("document", "voice", "video", "sticker") and isinstance(item, dict):
        return str(item["file_id"]), item.get("file_name")
    return None, None


class Views(State):
    """``chat_view(chat_id)``: the sandbox draws a phone from it."""

    def _from_bot(self, message: JSONDict) -> bool:
        return bool((message.get("from") or {}).get("id") == self.bot_id)

    def _sender_locked(self, message: JSONDict) -> str:
        sender = message.get("from") or {}
        if self._from_bot(message):
            return self.bot_first_name
        names = [sender.get("first_name"), sender.get("last_name")]
        return " ".join(str(n) for n in names if n) or "?"

    def _view_message_locked(self, message: JSONDict) -> ViewMessage:
        kind = _kind(message)
        if kind == "text":
            text, entities = message.get("text"), message.get("entities") or []
        else:
            text, entities = message.get("caption"), message.get("caption_entities") or []
        quote = None
        replied = message.get("reply_to_message")
        if isinstance(replied, dict):
            current = self._messages.get((int(replied["chat"]["id"]), replied["message_id"]))
            shown = current or replied  # the quote shows the replied message as it is now
            quoted_kind = _kind(shown)
            part = (message.get("quote") or {}).get("text")  # the bot quoted a part of it
            quote = Quote(
                message_id=int(replied["message_id"]),
                sender=self._sender_locked(shown),
                text=part or (shown.get("text") if quoted_kind == "text" else shown.get("caption")),
                kind=quoted_kind,
            )
        file_id, file_name = _file(message, kind)
        place = message.get("location")
        return ViewMessage(
            message_id=int(message["message_id"]),
            from_bot=self._from_bot(message),
            sender=self._sender_locked(message),
            date=int(message.get("date", 0)),
            kind=kind,
            text=text,
            entities=[dict(e) for e in entities],
            html=entities_to_html(text, entities) if text else "",
            edited="edit_date" in message,
            reply_to=quote,
            inline_keyboard=_rows((message.get("reply_markup") or {}).get("inline_keyboard")),
            file_id=file_id,
            file_name=file_name,
            location=None if place is None else (place["latitude"], place["longitude"]),
        )

    def _reply_keyboard_locked(self, chat_id: int) -> ReplyKeyboard | None:
        keyboard: ReplyKeyboard | None = None
        since = 0  # message id that brought the keyboard
        for record in self._sent:
            markup = record.reply_markup or {}
            if record.chat_id != chat_id:
                continue
            if "keyboard" in markup:
                keyboard = ReplyKeyboard(
                    rows=_rows(markup["keyboard"]),
                    one_time=bool(markup.get("one_time_keyboard")),
                    placeholder=markup.get("input_field_placeholder"),
                )
                since = record.message_id
            elif markup.get("remove_keyboard"):
                keyboard = None
        if keyboard is not None and keyboard.one_time:
            used = any(
                key[0] == chat_id and key[1] > since and not self._from_bot(m)
                for key, m in self._messages.items()
            )
            if used:
                keyboard = ReplyKeyboard(keyboard.rows, True, keyboard.placeholder, collapsed=True)
        return keyboard

    def _popups_locked(self, chat_id: int) -> list[Popup]:
        popups = []
        for answer in self._answers:
            query = self._queries.get(answer.query_id)
            if query is None or query.chat_id != chat_id or not answer.text:
                continue
            popups.append(
                Popup(answer.seq, answer.query_id, query.message_id, answer.text, answer.show_alert)
            )
        return popups

    def chat_view(self, chat_id: int) -> ChatView:
        """The chat now: messages oldest first (deleted ones gone), keyboards, pop-ups."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                raise ValueError(f"unknown chat {chat_id}")
            keys = sorted(key for key in self._messages if key[0] == chat_id)
            title = chat.get("title") or " ".join(
                str(n) for n in (chat.get("first_name"), chat.get("last_name")) if n
            )
            return ChatView(
                chat_id=chat_id,
                title=str(title),
                seq=self._last_seq,
                messages=[self._view_message_locked(self._messages[k]) for k in keys],
                reply_keyboard=self._reply_keyboard_locked(chat_id),
                popups=self._popups_locked(chat_id),
            )

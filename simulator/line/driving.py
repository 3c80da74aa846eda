"""What tests and the sandbox make users do: follow, block, write, send photos, tap buttons."""

from __future__ import annotations

from typing import Any

from simulator.line import ids
from simulator.line.dispatch import Dispatch
from simulator.line.events import solid_png
from simulator.line.models import (
    Injected,
    JSONDict,
    LineUser,
    SentMessage,
    UserRef,
    find_actions,
    user_id_of,
)
from simulator.line.records import Chat, Content

MessageRef = SentMessage | Injected | str  # a message, or its id


class Driving(Dispatch):
    """Thread-safe actions of LINE users; each returns the webhook event it caused."""

    def add_user(
        self,
        display_name: str,
        *,
        language: str | None = "th",
        picture_url: str | None = None,
        status_message: str | None = None,
        user_id: str | None = None,
        follow: bool = True,
    ) -> LineUser:
        """A LINE user; with ``follow`` they add the account as a friend (a follow event)."""
        user = LineUser(
            user_id or ids.new_user_id(), display_name, language, picture_url, status_message
        )
        if not ids.is_user_id(user.user_id):
            raise ValueError(f"not a LINE user id: {user.user_id!r}")
        with self._lock:
            if user.user_id in self._chats:
                raise ValueError(f"user {user.user_id} exists already")
            self._chats[user.user_id] = Chat(user)
        if follow:
            self.follow(user)
        return user

    def user(self, user_id: str) -> LineUser:
        """The user with ``user_id``."""
        with self._lock:
            return self._chat_locked(user_id).user

    def is_friend(self, user: UserRef) -> bool:
        """Whether the user has the account as a friend (added and not blocked)."""
        with self._lock:
            return self._chat_locked(user_id_of(user)).friend

    def follow(self, user: UserRef) -> Injected:
        """The user adds the account as a friend, or unblocks it."""
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            unblocked = chat.blocked
            chat.friend, chat.blocked, chat.ever_followed = True, False, True
            injected = self._emit_locked(
                "follow", chat.user.user_id, reply=True, follow={"isUnblocked": unblocked}
            )
        self._notify()
        return injected

    def unfollow(self, user: UserRef) -> Injected:
        """The user blocks the account (an unfollow event, which has no reply token)."""
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            chat.friend, chat.blocked = False, True
            injected = self._emit_locked("unfollow", chat.user.user_id, reply=False)
        self._notify()
        return injected

    block = unfollow

    def send_text(self, user: UserRef, text: str, *, quote: MessageRef | None = None) -> Injected:
        """The user sends text, optionally quoting an earlier message of the chat."""
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            message: JSONDict = {"type": "text", "text": text}
            if quote is not None:
                quoted = _message_id(quote)
                if quoted not in chat.message_ids:
                    raise LookupError(f"message {quoted} is not in this chat")
                message["quotedMessageId"] = quoted
            injected = self._user_message_locked(chat, message, quotable=True)
        self._notify()
        return injected

    def send_image(
        self, user: UserRef, data: bytes | None = None, *, content_type: str = "image/png"
    ) -> Injected:
        """The user sends a photo; the bot can download it from the data host."""
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            message: JSONDict = {"type": "image", "contentProvider": {"type": "line"}}
            injected = self._user_message_locked(chat, message, quotable=True)
            assert injected.message_id is not None
            self._contents[injected.message_id] = Content(data or solid_png(), content_type)
        self._notify()
        return injected

    def send_location(
        self,
        user: UserRef,
        latitude: float,
        longitude: float,
        *,
        title: str | None = None,
        address: str | None = None,
    ) -> Injected:
        """The user shares a location (location messages carry no quote token)."""
        message: JSONDict = {"type": "location"}
        if title is not None:
            message["title"] = title
        if address is not None:
            message["address"] = address
        message.update({"latitude": latitude, "longitude": longitude})
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            injected = self._user_message_locked(chat, message, quotable=False)
        self._notify()
        return injected

    def press_button(
        self,
        user: UserRef,
        message: SentMessage,
        *,
        label: str | None = None,
        data: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Injected:
        """The user taps a button of a bot message, found by its label or postback data.

        A postback (or datetime picker) action causes a postback event; a message action
        makes the user send its text. Quick reply buttons work only while shown: on the
        last message the bot sent, until the user sends something.
        """
        with self._lock:
            chat = self._chat_locked(user_id_of(user))
            if message.user_id != chat.user.user_id or not message.delivered:
                raise LookupError("this user never received that message")
            action = _find_action(message, label, data)
            quick = action in message.quick_reply_actions() and action not in _lasting(message)
            if quick and chat.quick_reply_message_id != message.message_id:
                raise LookupError("the quick reply buttons of that message are gone")
            chat.quick_reply_message_id = None
            injected = self._tap_locked(chat, action, params)
        self._notify()
        return injected

    def remove_content(self, message_id: str) -> None:
        """The content of a user's message is gone (unsent, or past its storage period)."""
        with self._lock:
            self._contents[message_id].gone = True

    def _tap_locked(self, chat: Chat, action: JSONDict, params: dict[str, str] | None) -> Injected:
        kind = action.get("type")
        if kind == "message":
            text: JSONDict = {"type": "text", "text": str(action["text"])}
            return self._user_message_locked(chat, text, quotable=True)
        if kind not in ("postback", "datetimepicker"):
            raise ValueError(f"a {kind} action sends no webhook event")
        postback: JSONDict = {"data": str(action.get("data", ""))}
        if kind == "datetimepicker":
            if not params:
                raise ValueError("a datetime picker needs the chosen params (date/time/datetime)")
            postback["params"] = dict(params)
        return self._emit_locked("postback", chat.user.user_id, reply=True, postback=postback)

    def _user_message_locked(self, chat: Chat, message: JSONDict, *, quotable: bool) -> Injected:
        message_id = self._next_message_id_locked()
        content: JSONDict = {"id": message_id, **message}
        quote_token = None
        if quotable:
            quote_token = ids.new_quote_token()
            content["quoteToken"] = quote_token
            chat.quote_tokens[quote_token] = message_id
        content["markAsReadToken"] = ids.new_read_token()
        chat.message_ids.add(message_id)
        chat.last_message_at = self._now()
        chat.quick_reply_message_id = None  # quick reply buttons vanish once the user writes
        injected = self._emit_locked("message", chat.user.user_id, reply=True, message=content)
        injected.message_id, injected.quote_token = message_id, quote_token
        return injected


def _message_id(ref: MessageRef) -> str:
    if isinstance(ref, SentMessage):
        return ref.message_id
    if isinstance(ref, Injected):
        if ref.message_id is None:
            raise ValueError("that event carries no message")
        return ref.message_id
    return ref


def _lasting(message: SentMessage) -> list[JSONDict]:
    """Actions outside the quick reply (template and Flex buttons stay tappable)."""
    return list(find_actions({k: v for k, v in message.message.items() if k != "quickReply"}))


def _find_action(message: SentMessage, label: str | None, data: str | None) -> JSONDict:
    if label is None and data is None:
        raise ValueError("name the button by label or data")
    found: list[Any] = [
        a
        for a in message.actions()
        if (label is None or a.get("label") == label) and (data is None or a.get("data") == data)
    ]
    if not found:
        raise LookupError(f"no button {label or data!r} in {message.labels}")
    action: JSONDict = found[0]
    return action

"""What tests and the sandbox make people do: write, reply, send files, press buttons."""

from __future__ import annotations

import copy
import time

from simulator.telegram.files import Files
from simulator.telegram.models import (
    FakeUser,
    Injected,
    JSONDict,
)
from simulator.telegram.state import MessageRef, _Query
from simulator.telegram.views import Views


class Driving(Files, Views):
    """Thread-safe actions of users; each returns the update it caused."""

    # ---------------------------------------------------------- user updates
    def _inject_message_locked(
        self,
        user: FakeUser | int,
        content: JSONDict,
        *,
        chat_id: int | None,
        reply_to: MessageRef | None,
    ) -> Injected:
        sender = self._resolve_user_locked(user)
        target = sender.id if chat_id is None else chat_id
        chat = self._chats.get(target)
        if chat is None:
            raise ValueError(f"unknown chat {target}: call add_group() first")
        self._started.add(sender.id)
        message: JSONDict = {
            "message_id": self._next_message_id_locked(target),
            "from": sender.to_dict(),
            "chat": dict(chat),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            key = self._resolve_message_locked(reply_to, target)
            replied = self._messages.get(key)
            if replied is None:
                raise ValueError(f"reply_to: message {key} does not exist (or was deleted)")
            message["reply_to_message"] = self._quoted(replied)
        self._messages[(target, message["message_id"])] = message
        self._change_locked(target, "message", message["message_id"])
        update = {"update_id": next(self._update_ids), "message": message}
        self._enqueue_locked(copy.deepcopy(update))
        return Injected(update=copy.deepcopy(update), message=copy.deepcopy(message))

    def send_text(
        self,
        user: FakeUser | int,
        text: str,
        reply_to: MessageRef | None = None,
        *,
        chat_id: int | None = None,
    ) -> Injected:
        """The user sends a text message (a leading /command gets a bot_command entity)."""
        content: JSONDict = {"text": text}
        if text.startswith("/") and len(text) > 1:
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        with self._lock:
            return self._inject_message_locked(user, content, chat_id=chat_id, reply_to=reply_to)

    def send_photo(
        self,
        user: FakeUser | int,
        data: bytes,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> Injected:
        """The user sends a photo: a PhotoSize array (several sizes, same bytes)."""
        with self._lock:
            sizes = self._store_photo_locked(data)
            content: JSONDict = {"photo": self._photo_sizes_locked(sizes[-1])}
            if caption:
                content["caption"] = caption
            return self._inject_message_locked(user, content, chat_id=chat_id, reply_to=reply_to)

    def send_document(
        self,
        user: FakeUser | int,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> Injected:
        """The user sends a file as a document (from bytes, as a phone uploads it)."""
        with self._lock:
            stored = self._store_file_locked(
                "document", data, mime_type=mime_type, file_name=file_name
            )
            content: JSONDict = {"document": self._file_dict(stored)}
            if caption:
                content["caption"] = caption
            return self._inject_message_locked(user, content, chat_id=chat_id, reply_to=reply_to)

    def send_voice(
        self,
        user: FakeUser | int,
        data: bytes,
        duration: int = 3,
        mime_type: str = "audio/ogg",
        *,
        chat_id: int | None = None,
    ) -> Injected:
        with self._lock:
            stored = self._store_file_locked("voice", data, mime_type=mime_type)
            content = {"voice": self._file_dict(stored, duration=duration)}
            return self._inject_message_locked(user, content, chat_id=chat_id, reply_to=None)

    def send_location(
        self,
        user: FakeUser | int,
        latitude: float,
        longitude: float,
        *,
        horizontal_accuracy: float | None = None,
        live_period: int | None = None,
        chat_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> Injected:
        """The user shares a location (the attachment menu, or a request_location button)."""
        location: JSONDict = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        if live_period is not None:
            location["live_period"] = live_period
        with self._lock:
            return self._inject_message_locked(
                user, {"location": location}, chat_id=chat_id, reply_to=reply_to
            )

    def send_sticker(
        self, user: FakeUser | int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> Injected:
        with self._lock:
            stored = self._store_file_locked(
                "sticker", b"RIFF\x00\x00\x00\x00WEBP", width=512, height=512
            )
            sticker = self._file_dict(
                stored,
                type="regular",
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
                emoji=emoji,
            )
            return self._inject_message_locked(
                user, {"sticker": sticker}, chat_id=chat_id, reply_to=None
            )

    def send_contact(
        self,
        user: FakeUser | int,
        phone_number: str,
        *,
        first_name: str | None = None,
        own: bool = True,
        chat_id: int | None = None,
    ) -> Injected:
        """The user shares a contact; ``own=True`` means their own (request_contact button)."""
        with self._lock:
            sender = self._resolve_user_locked(user)
            contact: JSONDict = {
                "phone_number": phone_number,
                "first_name": first_name or sender.first_name,
            }
            if own:
                contact["user_id"] = sender.id
                if sender.last_name:
                    contact["last_name"] = sender.last_name
            return self._inject_message_locked(
                user, {"contact": contact}, chat_id=chat_id, reply_to=None
            )

    def press_button(
        self,
        user: FakeUser | int,
        message: MessageRef,
        callback_data: str,
        *,
        check: bool = True,
    ) -> str:
        """The user presses an inline button; returns the new callback_query id.

        ``message`` is a SentMessage, a Message dict, or a message id in the user's
        private chat. With ``check`` the data must be on the message's current keyboard.
        """
        with self._lock:
            sender = self._resolve_user_locked(user)
            key = self._resolve_message_locked(message, sender.id)
            record = self._sent_index.get(key)
            if record is None or record.deleted:
                raise ValueError(f"no (undeleted) bot message {key} to press a button on")
            if check and callback_data not in record.callback_data:
                raise ValueError(
                    f"callback_data {callback_data!r} is not on message {key}; "
                    f"its buttons carry {record.callback_data!r}"
                )
            query_id = f"{self.bot_id % 10**6}{next(self._query_ids):012d}"
            query = {
                "id": query_id,
                "from": sender.to_dict(),
                "message": copy.deepcopy(record.message),
                "chat_instance": str((key[0] * 2654435761) % (2**63)),
                "data": callback_data,
            }
            self._queries[query_id] = _Query(key[0], time.monotonic(), message_id=key[1])
            self._enqueue_locked({"update_id": next(self._update_ids), "callback_query": query})
            return query_id

    def press_reply_button(
        self,
        user: FakeUser | int,
        text: str,
        *,
        location: tuple[float, float] | None = None,
        phone_number: str = "+66812345678",
        chat_id: int | None = None,
    ) -> Injected:
        """The user taps a button of the reply keyboard the bot shows in the chat.

        A plain button sends its text; a request_location button shares ``location``, a
        request_contact button the user's own contact. The button must be on the keyboard
        (a one-time keyboard stays available, folded, as in the apps).
        """
        with self._lock:
            sender = self._resolve_user_locked(user)
            target = sender.id if chat_id is None else chat_id
            keyboard = self._reply_keyboard_locked(target)
        buttons = [b for row in (keyboard.rows if keyboard else []) for b in row]
        button = next((b for b in buttons if b.text == text), None)
        if button is None:
            raise ValueError(f"no reply keyboard button {text!r} in chat {target}")
        if button.request_location:
            if location is None:
                raise ValueError(f"button {text!r} shares a location: pass location=")
            return self.send_location(sender, *location, chat_id=chat_id)
        if button.request_contact:
            return self.send_contact(sender, phone_number, chat_id=chat_id)
        return self.send_text(sender, text, chat_id=chat_id)

    def inject_update(self, update: JSONDict) -> Injected:
        """Queue an arbitrary (possibly forged) update; update_id is assigned if missing."""
        update = copy.deepcopy(update)
        with self._lock:
            update.setdefault("update_id", next(self._update_ids))
            message = None
            for kind in ("message", "edited_message", "channel_post"):
                candidate = update.get(kind)
                if isinstance(candidate, dict) and "message_id" in candidate:
                    message = candidate
                    chat = candidate.get("chat") or {}
                    if kind == "message" and isinstance(chat.get("id"), int):
                        self._messages[(chat["id"], candidate["message_id"])] = candidate
            query = update.get("callback_query")
            if isinstance(query, dict) and "id" in query:
                self._queries[str(query["id"])] = _Query(chat_id=None, created=time.monotonic())
            self._enqueue_locked(copy.deepcopy(update))
        return Injected(update=update, message=copy.deepcopy(message))

    def redeliver(self, update: Injected | JSONDict) -> None:
        """Deliver the same update (same update_id) again, as Telegram does after a restart.

        The copy is handed out by the next getUpdates even if the bot already confirmed a
        higher offset; it is dropped after that like any other confirmed update.
        """
        raw = update.update if isinstance(update, Injected) else update
        with self._lock:
            self._enqueue_locked(copy.deepcopy(raw), force=True)

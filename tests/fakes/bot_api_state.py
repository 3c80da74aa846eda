"""State of the fake Bot API and its test-facing, thread-safe API.

Everything here is guarded by one ``threading.Lock``: the HTTP server thread and the
test's thread both call in. Methods whose name ends in ``_locked`` expect the lock held.
The Bot API method handlers live in :mod:`tests.fakes.bot_api_methods`.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_models import (
    ApiError,
    Call,
    CallbackAnswer,
    FakeUser,
    Injected,
    SentMessage,
    StoredFile,
    image_size,
)

JSONDict = dict[str, Any]
MessageRef = SentMessage | Injected | JSONDict | int

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
# Update types delivered when allowed_updates is empty or was never set.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: error injected by the test",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_FILE_ID_PREFIX = {
    "photo": "AgACAgUAAxkBAAI",
    "document": "BQACAgUAAxkBAAI",
    "voice": "AwACAgUAAxkBAAI",
    "sticker": "CAACAgUAAxkBAAI",
    "video": "BAACAgUAAxkBAAI",
    "audio": "CQACAgUAAxkBAAI",
}
_FILE_FOLDER = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "voice": ("voice", "oga"),
    "sticker": ("stickers", "webp"),
    "video": ("videos", "mp4"),
    "audio": ("music", "mp3"),
}


@dataclass
class _Pending:
    update: JSONDict
    delivered: int = 0
    force: bool = False  # redelivered: survives one offset confirmation


@dataclass
class _Fault:
    method: str | None  # lower-case method name; None = any method
    code: int
    description: str
    retry_after: int | None
    times: int
    chat_id: str | None


@dataclass
class _Delay:
    method: str
    seconds: float
    times: int
    chat_id: str | None


@dataclass
class _Query:
    chat_id: int | None
    created: float
    answered: bool = False


@dataclass
class _RateLimits:
    per_chat_per_second: float
    global_per_second: float
    group_per_minute: float
    per_chat: dict[int, deque[float]] = field(default_factory=dict)
    overall: deque[float] = field(default_factory=deque)


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


def _norm_method(name: str | None) -> str | None:
    return None if name is None else name.lower()


class BotAPIState:
    """Storage, actors, update queue, recorded calls and fault injection."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "phichit_incident_bot",
        bot_first_name: str = "Incident Bot",
        *,
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
    ) -> None:
        head, _, _ = token.partition(":")
        if not head.isdigit():
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = int(head)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self.callback_query_timeout = callback_query_timeout
        self._lock = threading.Lock()
        self._notify: Callable[[], None] = lambda: None  # wakes long polls; set by the server
        # Kept across reset():
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, JSONDict] = {}
        self._started: set[int] = set()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._update_ids = itertools.count(10001)
        self._query_ids = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._media_groups = itertools.count(13_000_000_000_000_001)
        self._message_ids: dict[int, int] = {}
        self._poll_generation = 0
        self._in_flight = 0  # requests being answered, getUpdates excluded
        self._last_activity = time.monotonic()
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._calls: list[Call] = []
        self._sent: list[SentMessage] = []
        self._sent_index: dict[tuple[int, int], SentMessage] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._pending: list[_Pending] = []
        self._queries: dict[str, _Query] = {}
        self._answers: list[CallbackAnswer] = []
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._blocked: set[int] = set()
        self._webhook: _Webhook | None = None
        self._allowed_updates: list[str] = []
        self._rate: _RateLimits | None = None
        self._rate_limited = 0

    # ----------------------------------------------------------------- helpers
    def _next_seq_locked(self) -> int:
        self._last_seq = next(self._seq)
        return self._last_seq

    @property
    def bot_user(self) -> JSONDict:
        """The bot's User object (``from`` of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _next_message_id_locked(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _enqueue_locked(self, update: JSONDict, *, force: bool = False) -> None:
        self._pending.append(_Pending(update=update, force=force))
        self._pending.sort(key=lambda p: int(p.update["update_id"]))
        self._notify()

    def _resolve_user_locked(self, user: FakeUser | int) -> FakeUser:
        user_id = user.id if isinstance(user, FakeUser) else user
        try:
            return self._users[user_id]
        except KeyError:
            raise ValueError(f"unknown user {user_id}: call add_user() first") from None

    def _store_file_locked(
        self,
        kind: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        width: int | None = None,
        height: int | None = None,
        variant: str = "",
    ) -> StoredFile:
        number = next(self._file_counter)
        digest = hashlib.blake2b(kind.encode() + variant.encode() + data, digest_size=12)
        folder, ext = _FILE_FOLDER.get(kind, ("documents", "bin"))
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1][:8] or ext
        stored = StoredFile(
            file_id=f"{_FILE_ID_PREFIX.get(kind, 'BQACAgUAAxkBAAI')}{number}"
            f"_{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQAD{digest.hexdigest()[:16]}",
            file_path=f"{folder}/file_{number}.{ext}",
            kind=kind,
            data=data,
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_photo_locked(self, data: bytes) -> list[StoredFile]:
        """Store a photo as several PhotoSize files sharing the same bytes."""
        width, height = image_size(data) or (1280, 960)
        longest = max(width, height, 1)
        sides = [side for side in (90, 320, 800) if side < longest] + [longest]
        sizes = []
        for side in sides:
            scale = side / longest
            sizes.append(
                self._store_file_locked(
                    "photo",
                    data,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                    variant=str(side),
                )
            )
        group = tuple(s.file_id for s in sizes)
        for stored in sizes:
            stored.group = group
        return sizes

    def _photo_sizes_locked(self, stored: StoredFile) -> list[JSONDict]:
        ids = stored.group or (stored.file_id,)
        return [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "width": f.width or 1,
                "height": f.height or 1,
                "file_size": f.file_size,
            }
            for f in (self._files[i] for i in ids)
        ]

    @staticmethod
    def _file_dict(stored: StoredFile, **extra: Any) -> JSONDict:
        data: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name:
            data["file_name"] = stored.file_name
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
        data.update(extra)
        return data

    def _resolve_message_locked(self, ref: MessageRef, default_chat: int) -> tuple[int, int]:
        if isinstance(ref, SentMessage):
            return ref.chat_id, ref.message_id
        if isinstance(ref, Injected):
            return ref.chat_id, ref.message_id
        if isinstance(ref, dict):
            found = ref["message"] if "message_id" not in ref and "message" in ref else ref
            return int(found["chat"]["id"]), int(found["message_id"])
        return default_chat, ref

    @staticmethod
    def _quoted(message: JSONDict) -> JSONDict:
        """A message as embedded in reply_to_message (Telegram does not nest deeper)."""
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    # ------------------------------------------------------------------ actors
    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "th",
        *,
        started: bool = True,
    ) -> FakeUser:
        """Register a user; their private chat (id = user id) becomes a known chat.

        With ``started=False`` the user has never written to the bot, so sending to them
        fails with 403 "bot can't initiate conversation with a user" until they do.
        """
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        with self._lock:
            self._users[user_id] = user
            self._chats[user_id] = user.chat_dict()
            if started:
                self._started.add(user_id)
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        username: str | None = None,
        supergroup: bool | None = None,
    ) -> JSONDict:
        """Register a group the bot is a member of (negative id; -100… = supergroup)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if supergroup is None:
            supergroup = str(chat_id).startswith("-100")
        chat: JSONDict = {"id": chat_id, "type": "supergroup" if supergroup else "group"}
        chat["title"] = title
        if username:
            chat["username"] = username
        with self._lock:
            self._chats[chat_id] = chat
        return dict(chat)

    def user(self, user_id: int) -> FakeUser:
        with self._lock:
            return self._resolve_user_locked(user_id)

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (or the bot is removed from the group): sends get 403."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

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
    ) -> Injected:
        with self._lock:
            stored = self._store_file_locked(
                "document", data, mime_type=mime_type, file_name=file_name
            )
            content: JSONDict = {"document": self._file_dict(stored)}
            if caption:
                content["caption"] = caption
            return self._inject_message_locked(user, content, chat_id=chat_id, reply_to=None)

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
    ) -> Injected:
        location: JSONDict = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        if live_period is not None:
            location["live_period"] = live_period
        with self._lock:
            return self._inject_message_locked(
                user, {"location": location}, chat_id=chat_id, reply_to=None
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
            self._queries[query_id] = _Query(chat_id=key[0], created=time.monotonic())
            self._enqueue_locked({"update_id": next(self._update_ids), "callback_query": query})
            return query_id

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

    # --------------------------------------------------------------- reading
    def mark(self) -> int:
        """A marker: pass as ``since=`` to see only messages/calls recorded after it."""
        with self._lock:
            return self._last_seq

    def calls(self, method: str | None = None, *, since: int | None = None) -> list[Call]:
        """Recorded requests (method names are matched case-insensitively)."""
        wanted = _norm_method(method)
        with self._lock:
            return [
                copy.deepcopy(c)
                for c in self._calls
                if (wanted is None or c.method.lower() == wanted)
                and (since is None or c.seq > since)
            ]

    def sent_messages(
        self, chat_id: int | None = None, *, since: int | None = None
    ) -> list[SentMessage]:
        """Messages the bot sent (snapshots, including deleted ones), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._sent
                if (chat_id is None or m.chat_id == chat_id) and (since is None or m.seq > since)
            ]

    def last_message(self, chat_id: int) -> SentMessage | None:
        with self._lock:
            for record in reversed(self._sent):
                if record.chat_id == chat_id:
                    return copy.deepcopy(record)
        return None

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current Message object (user's or bot's) or None if unknown/deleted."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found)

    def callback_answers(self, query_id: str | None = None) -> list[CallbackAnswer]:
        with self._lock:
            return [
                copy.deepcopy(a)
                for a in self._answers
                if query_id is None or a.query_id == query_id
            ]

    def commands(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict] | None:
        """Commands set by setMyCommands for the scope (default scope if None)."""
        key = (self._scope_key(scope), language_code)
        with self._lock:
            found = self._commands.get(key)
            return copy.deepcopy(found)

    @staticmethod
    def _scope_key(scope: Any) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].data

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot (via a higher getUpdates offset)."""
        with self._lock:
            return [copy.deepcopy(p.update) for p in self._pending]

    @property
    def rate_limited_count(self) -> int:
        """How many 429 answers the rate-limit emulation gave."""
        with self._lock:
            return self._rate_limited

    @property
    def webhook_url(self) -> str | None:
        with self._lock:
            return None if self._webhook is None else self._webhook.url

    # ---------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (for ``chat_id`` only, if given) fail.

        Nothing is sent for a failed call. 429 carries ``retry_after`` (default 1 s).
        """
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or _DEFAULT_DESCRIPTIONS.get(error_code, "Bad Request")
        fault = _Fault(
            method=_norm_method(method),
            code=error_code,
            description=description,
            retry_after=retry_after if error_code == 429 else None,
            times=times,
            chat_id=None if chat_id is None else str(chat_id),
        )
        with self._lock:
            self._faults.append(fault)

    def fail_server(self, times: int = 1, status: int = 500, method: str | None = None) -> None:
        """The next ``times`` requests (of ``method``, or of any method) get 500/502."""
        if status not in (500, 502):
            raise ValueError("status must be 500 or 502")
        with self._lock:
            self._faults.append(
                _Fault(
                    _norm_method(method), status, _DEFAULT_DESCRIPTIONS[status], None, times, None
                )
            )

    def delay(
        self, method: str, seconds: float, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Hold back the answer of the next ``times`` calls of ``method`` by ``seconds``.

        The call takes effect at once (the message is recorded as sent, as Telegram would
        have sent it); only the HTTP answer is late, so a client that gives up first sees
        a timeout although the message was delivered. ``Call.delayed`` shows the hold.
        """
        name = _norm_method(method)
        assert name is not None
        with self._lock:
            self._delays.append(
                _Delay(name, seconds, times, None if chat_id is None else str(chat_id))
            )

    def enforce_rate_limits(
        self,
        per_chat_per_second: float = 1,
        global_per_second: float = 30,
        group_per_minute: float = 20,
    ) -> None:
        """Emulate Telegram's flood limits on sending methods (answers 429 when exceeded)."""
        with self._lock:
            self._rate = _RateLimits(per_chat_per_second, global_per_second, group_per_minute)

    def disable_rate_limits(self) -> None:
        with self._lock:
            self._rate = None

    def reset(self) -> None:
        """Forget calls, messages, updates, faults, commands and webhook; keep actors/files."""
        with self._lock:
            self._init_runtime()
            self._notify()

    # ------------------------------------------------------ fault machinery
    def _take_fault_locked(self, method: str, chat_id: Any) -> ApiError | None:
        for fault in self._faults:
            if fault.method not in (None, method.lower()):
                continue
            if fault.chat_id is not None and fault.chat_id != str(chat_id):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            return ApiError(fault.code, fault.description, fault.retry_after)
        return None

    def _take_delay_locked(self, method: str, chat_id: Any) -> float:
        for rule in self._delays:
            if rule.method != method.lower():
                continue
            if rule.chat_id is not None and rule.chat_id != str(chat_id):
                continue
            rule.times -= 1
            if rule.times <= 0:
                self._delays.remove(rule)
            return rule.seconds
        return 0.0

    def _consume_rate_locked(self, chat: JSONDict, count: int) -> None:
        """Raise 429 if one more send to ``chat`` exceeds the limits, else log ``count``."""
        rate = self._rate
        if rate is None:
            return
        now = time.monotonic()
        chat_log = rate.per_chat.setdefault(int(chat["id"]), deque())
        while chat_log and chat_log[0] <= now - 60:
            chat_log.popleft()
        while rate.overall and rate.overall[0] <= now - 1:
            rate.overall.popleft()
        waits: list[float] = []

        def check(log: deque[float], window: float, limit: float) -> None:
            recent = [t for t in log if t > now - window]
            if len(recent) + 1 > limit:
                # Wait until enough of the recent sends leave the window to free a slot.
                index = min(max(len(recent) - int(limit), 0), len(recent) - 1)
                waits.append(recent[index] + window - now if recent else window)

        check(chat_log, 1.0, rate.per_chat_per_second)
        if chat.get("type") in ("group", "supergroup"):
            check(chat_log, 60.0, rate.group_per_minute)
        check(rate.overall, 1.0, rate.global_per_second)
        if waits:
            self._rate_limited += 1
            retry_after = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        chat_log.extend([now] * count)
        rate.overall.extend([now] * count)

"""Bot API methods of the fake server, executed under the state lock.

:meth:`BotAPIMethods._execute` records a :class:`Call`, applies injected faults and runs
the handler; the HTTP layer (:mod:`tests.fakes.bot_api`) only parses requests, waits
(long polls, delays) and writes answers.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.bot_api_models import (
    ApiError,
    Call,
    CallbackAnswer,
    Edit,
    Params,
    SentMessage,
    StoredFile,
    UploadedFile,
    bad_request,
    image_size,
    make_png,
)
from tests.fakes.bot_api_state import (
    DEFAULT_EXCLUDED_UPDATES,
    BotAPIState,
    _Webhook,
)
from tests.fakes.telegram_html import HtmlParseError, parse_html, strip_formatted, utf16_len

JSONDict = dict[str, Any]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
FILE_DOWNLOAD_LIMIT = 20 * 1024 * 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
# Methods that are accepted and recorded without further effect.
ACCEPTED_METHODS = (
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMyDefaultAdministratorRights",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LOOPBACK_HOSTS = ("localhost", "::1")


@dataclass
class LongPoll:
    """getUpdates found nothing yet and waits until ``deadline``."""

    generation: int
    deadline: float
    limit: int


@dataclass
class Outcome:
    """The answer to one request, ready to be written by the HTTP layer."""

    call: Call
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    long_poll: LongPoll | None = None


def _is_loopback(host: str | None) -> bool:
    return bool(host) and (host in _LOOPBACK_HOSTS or str(host).startswith("127."))


class BotAPIMethods(BotAPIState):
    """The Bot API methods; see :meth:`_execute`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers: dict[str, Callable[[Params], Any]] = {
            "getMe": self._get_me,
            "logOut": lambda p: True,
            "close": lambda p: True,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "sendLocation": self._send_location,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
        }
        for name in ACCEPTED_METHODS:
            handlers[name] = lambda p: True
        self._handlers = handlers
        self._method_names = {name.lower(): name for name in handlers}

    # ------------------------------------------------------------ execution
    def _execute(self, method: str, params: Params) -> Outcome:
        """Record and run one Bot API call (the token was already checked)."""
        with self._lock:
            canonical = self._method_names.get(method.lower())
            call = Call(
                seq=self._next_seq_locked(),
                method=canonical or method,
                params=copy.deepcopy(params.values),
                files=dict(params.files),
                time=time.monotonic(),
            )
            self._calls.append(call)
            if canonical != "getUpdates":
                self._in_flight += 1
                self._last_activity = call.time
            chat_id = params.raw("chat_id")
            try:
                if canonical is None:
                    raise ApiError(404, "Not Found")
                fault = self._take_fault_locked(canonical, chat_id)
                if fault is not None:
                    raise fault
                result = self._handlers[canonical](params)
            except ApiError as error:
                outcome = self._finish_locked(call, error.code, error.payload())
                if error.retry_after is not None:
                    outcome.headers["Retry-After"] = str(error.retry_after)
            else:
                if isinstance(result, LongPoll):
                    return Outcome(call, 0, b"", long_poll=result)
                outcome = self._finish_locked(call, 200, {"ok": True, "result": result})
            if canonical is not None:
                outcome.delay = call.delayed = self._take_delay_locked(canonical, chat_id)
            return outcome

    def _finish_locked(self, call: Call, status: int, payload: JSONDict) -> Outcome:
        body = json.dumps(payload, ensure_ascii=False).encode()
        call.status = status
        call.response = json.loads(body)
        return Outcome(call, status, body)

    def _request_done(self, outcome: Outcome) -> None:
        """The HTTP answer of ``outcome`` was written (or abandoned)."""
        with self._lock:
            if outcome.call.method != "getUpdates":
                self._in_flight -= 1
                self._last_activity = time.monotonic()

    def _poll_updates(self, outcome: Outcome, *, final: bool, gone: bool = False) -> Outcome | None:
        """Continue a long poll: an Outcome when it can answer, else None (keep waiting).

        ``gone``: the client disconnected; the call is closed with status 499 and no
        update is handed out (none would be lost anyway: only offsets confirm updates).
        """
        poll = outcome.long_poll
        assert poll is not None
        with self._lock:
            if gone:
                payload = ApiError(499, "client closed the connection").payload()
                return self._finish_locked(outcome.call, 499, payload)
            if poll.generation != self._poll_generation:
                return self._finish_locked(
                    outcome.call, 409, ApiError(409, POLL_CONFLICT).payload()
                )
            if self._webhook is not None:
                return self._finish_locked(
                    outcome.call, 409, ApiError(409, WEBHOOK_CONFLICT).payload()
                )
            updates = self._collect_updates_locked(poll.limit)
            if updates or final or time.monotonic() >= poll.deadline:
                return self._finish_locked(outcome.call, 200, {"ok": True, "result": updates})
            return None

    # -------------------------------------------------------------- updates
    def _get_updates(self, p: Params) -> list[JSONDict] | LongPoll:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = p.get_int("offset") or 0
        limit = min(max(p.get_int("limit") or 100, 1), 100)
        timeout = max(p.get_int("timeout") or 0, 0)
        self._set_allowed_updates_locked(p)
        self._poll_generation += 1
        self._notify()  # an older long poll still waiting is terminated with 409
        if offset > 0:
            self._pending = [
                u
                for u in self._pending
                if int(u.update["update_id"]) >= offset or (u.force and u.delivered == 0)
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]
        updates = self._collect_updates_locked(limit)
        if updates or timeout == 0:
            return updates
        return LongPoll(self._poll_generation, time.monotonic() + timeout, limit)

    def _set_allowed_updates_locked(self, p: Params) -> None:
        allowed = p.get_json("allowed_updates", "can't parse allowed_updates JSON object")
        if allowed is None:
            return
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        self._allowed_updates = [str(kind) for kind in allowed]

    def _collect_updates_locked(self, limit: int) -> list[JSONDict]:
        """Up to ``limit`` pending updates; drops those allowed_updates filters out."""
        allowed = set(self._allowed_updates)
        result: list[JSONDict] = []
        kept = []
        for pending in self._pending:
            kind = next((k for k in pending.update if k != "update_id"), "")
            if (allowed and kind not in allowed) or (
                not allowed and kind in DEFAULT_EXCLUDED_UPDATES
            ):
                continue
            kept.append(pending)
            if len(result) < limit:
                pending.delivered += 1
                result.append(copy.deepcopy(pending.update))
        self._pending = kept
        return result

    def _set_webhook(self, p: Params) -> bool:
        url = p.get_str("url") or ""
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        self._set_allowed_updates_locked(p)
        if not url:
            self._webhook = None
            return True
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not _is_loopback(parts.hostname):
            raise bad_request(
                "bad webhook: this fake Bot API delivers webhooks to loopback URLs only"
            )
        self._webhook = _Webhook(
            url=url,
            secret_token=p.get_str("secret_token"),
            max_connections=p.get_int("max_connections") or 40,
        )
        self._notify()
        return True

    def _delete_webhook(self, p: Params) -> bool:
        if p.get_bool("drop_pending_updates"):
            self._pending.clear()
        self._webhook = None
        self._notify()
        return True

    def _get_webhook_info(self, p: Params) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        hook = self._webhook
        if hook is not None:
            info["url"] = hook.url
            info["max_connections"] = hook.max_connections
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def _webhook_next(self) -> tuple[str, str | None, JSONDict] | None:
        """(url, secret token, update) of the next update to POST to the webhook."""
        with self._lock:
            if self._webhook is None:
                return None
            updates = self._collect_updates_locked(1)
            if not updates:
                return None
            return self._webhook.url, self._webhook.secret_token, updates[0]

    def _webhook_done(self, update_id: int, error: str | None) -> None:
        """Drop the delivered update, or remember the delivery error."""
        with self._lock:
            if error is None:
                for pending in self._pending:
                    if int(pending.update["update_id"]) == update_id:
                        self._pending.remove(pending)
                        break
            elif self._webhook is not None:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = error

    # ------------------------------------------------------------ bot setup
    def _get_me(self, p: Params) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _commands_key_locked(self, p: Params) -> tuple[str, str]:
        scope = p.get_json("scope", "can't parse BotCommandScope JSON object")
        if scope is not None and not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        return self._scope_key(scope), p.get_str("language_code") or ""

    def _set_my_commands(self, p: Params) -> bool:
        commands = p.get_json("commands", "can't parse commands JSON object")
        if commands is None:
            raise bad_request('parameter "commands" is required')
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        stored = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append({"command": name, "description": description})
        key = self._commands_key_locked(p)
        if stored:
            self._commands[key] = stored
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, p: Params) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(self._commands_key_locked(p), []))

    def _delete_my_commands(self, p: Params) -> bool:
        self._commands.pop(self._commands_key_locked(p), None)
        return True

    def _set_chat_menu_button(self, p: Params) -> bool:
        button = p.get_json("menu_button", "can't parse menu button JSON object")
        if button is not None and not isinstance(button, dict):
            raise bad_request("can't parse menu button JSON object")
        self._menu_buttons[p.get_int("chat_id")] = button or {"type": "default"}
        return True

    def _get_chat_menu_button(self, p: Params) -> JSONDict:
        return self._menu_buttons.get(p.get_int("chat_id"), {"type": "default"})

    # ------------------------------------------------------ chats & content
    def _chat_locked(self, p: Params, *, sending: bool = True) -> JSONDict:
        raw = p.raw("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat: JSONDict | None = None
        if isinstance(raw, str) and raw.startswith("@"):  # public groups/channels only
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if c["type"] != "private" and c.get("username") == raw[1:]
                ),
                None,
            )
        else:
            try:
                chat = self._chats.get(int(raw))
            except (TypeError, ValueError):
                chat = None
        if chat is None:
            raise bad_request("chat not found")
        chat_id = int(chat["id"])
        if sending and chat_id in self._blocked:
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        if sending and chat["type"] == "private" and chat_id not in self._started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _format_locked(
        self,
        raw: str | None,
        parse_mode: str | None,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str | None, list[JSONDict]]:
        """Visible text and entities of a text/caption; enforces Telegram's limits."""
        if raw is None or raw == "":
            if empty:
                raise bad_request(empty)
            return None, []
        mode = (parse_mode or "").lower()
        parsed: list[JSONDict] = []
        if isinstance(entities, str):
            try:
                entities = json.loads(entities)
            except ValueError:
                raise bad_request("can't parse entities JSON object") from None
        if entities:
            if not isinstance(entities, list) or not all(
                isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
            ):
                raise bad_request("can't parse entities JSON object")
            text, parsed = raw, [dict(e) for e in entities]
        elif mode == "html":
            try:
                text, parsed = parse_html(raw, strict=self.strict_html)
            except HtmlParseError as error:
                raise bad_request(str(error)) from None
        elif mode in ("", "markdown", "markdownv2"):
            text = raw  # Markdown is not parsed by this fake: the text is taken as is
        else:
            raise bad_request("unsupported parse_mode")
        text, parsed = strip_formatted(text, parsed)
        if not text:
            if empty:
                raise bad_request(empty)
            return None, []
        if utf16_len(text) > limit:
            raise bad_request(too_long)
        return text, parsed

    def _caption_locked(
        self, raw: str | None, parse_mode: str | None, entities: Any
    ) -> tuple[str | None, list[JSONDict]]:
        return self._format_locked(
            raw,
            parse_mode,
            entities,
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            empty=None,
        )

    @staticmethod
    def _validate_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not BUTTON_ACTIONS & button.keys():
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        data = button.get("callback_data")
        if "callback_data" in button and (
            not isinstance(data, str) or not 1 <= len(data.encode()) <= 64
        ):
            raise bad_request("BUTTON_DATA_INVALID")

    def _markup_locked(self, p: Params) -> JSONDict | None:
        error = "can't parse reply keyboard markup JSON object"
        markup = p.get_json("reply_markup", error)
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request(error)
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(error)
            for row in rows:
                for button in row:
                    self._validate_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(error)
            for row in rows:
                for button in row:
                    if not isinstance(button, str) and not (
                        isinstance(button, dict) and isinstance(button.get("text"), str)
                    ):
                        raise bad_request(error)
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise bad_request(error)
        return markup

    @staticmethod
    def _inline(markup: JSONDict | None) -> JSONDict | None:
        return markup if markup and "inline_keyboard" in markup else None

    def _reply_locked(self, p: Params, chat: JSONDict) -> JSONDict | None:
        """The message replied to (reply_parameters or legacy reply_to_message_id)."""
        params = p.get_json("reply_parameters", "can't parse reply parameters JSON object")
        target_chat = int(chat["id"])
        if params is not None:
            if not isinstance(params, dict):
                raise bad_request("can't parse reply parameters JSON object")
            message_id = params.get("message_id")
            allow = bool(params.get("allow_sending_without_reply"))
            if params.get("chat_id") not in (None, ""):
                try:
                    target_chat = int(params["chat_id"])
                except (TypeError, ValueError):
                    raise bad_request("chat not found") from None
        else:
            message_id = p.get_int("reply_to_message_id")
            allow = p.get_bool("allow_sending_without_reply")
        if message_id in (None, 0):
            return None
        try:
            key = (target_chat, int(message_id))
        except (TypeError, ValueError):
            raise bad_request("can't parse reply parameters JSON object") from None
        replied = self._messages.get(key)
        if replied is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return replied

    def _record_locked(
        self,
        p: Params,
        chat: JSONDict,
        kind: str,
        content: JSONDict,
        *,
        text: str | None,
        raw_text: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
        reply: JSONDict | None,
        file_id: str | None = None,
        media_group_id: str | None = None,
    ) -> SentMessage:
        chat_id = int(chat["id"])
        message: JSONDict = {
            "message_id": self._next_message_id_locked(chat_id),
            "from": self.bot_user,
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        if reply is not None:
            message["reply_to_message"] = self._quoted(reply)
        message.update(content)
        inline = self._inline(markup)
        if inline is not None:
            message["reply_markup"] = copy.deepcopy(inline)
        self._messages[(chat_id, message["message_id"])] = message
        record = SentMessage(
            seq=self._next_seq_locked(),
            message_id=message["message_id"],
            chat_id=chat_id,
            kind=kind,
            text=text,
            raw_text=raw_text,
            parse_mode=p.get_str("parse_mode"),
            entities=entities,
            reply_markup=copy.deepcopy(markup),
            reply_to_message_id=None if reply is None else int(reply["message_id"]),
            date=message["date"],
            time=time.monotonic(),
            message=message,
            params=copy.deepcopy(p.values),
            media_group_id=media_group_id,
            file_id=file_id,
        )
        self._sent.append(record)
        self._sent_index[(chat_id, record.message_id)] = record
        return record

    # ------------------------------------------------------------------ files
    def _stored_upload_locked(self, kind: str, upload: UploadedFile) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            size = image_size(upload.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return self._store_photo_locked(upload.data)[-1]
        return self._store_file_locked(
            kind,
            upload.data,
            mime_type=upload.content_type or "application/octet-stream",
            file_name=upload.filename,
        )

    def _input_file_locked(
        self,
        value: Any,
        files: dict[str, UploadedFile],
        kind: str,
        *,
        missing: str,
        direct: UploadedFile | None = None,
    ) -> StoredFile:
        """A file given as an upload, an attach:// reference, a file_id or an URL."""
        if direct is None and isinstance(value, str) and value.startswith("attach://"):
            direct = files.get(value.removeprefix("attach://"))
            if direct is None:
                raise bad_request("can't parse InputMedia: media not found")
        if direct is not None:
            return self._stored_upload_locked(kind, direct)
        if value is None or value == "":
            raise bad_request(missing)
        if not isinstance(value, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            # Not fetched: a placeholder file stands in for the URL's content.
            data = make_png(320, 240) if kind == "photo" else b""
            if kind == "photo":
                return self._store_photo_locked(data)[-1]
            return self._store_file_locked(kind, data, file_name=value.rsplit("/", 1)[-1])
        stored = self._files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
            )
        return stored

    def _media_content_locked(self, kind: str, stored: StoredFile, item: JSONDict) -> JSONDict:
        if kind == "photo":
            return {"photo": self._photo_sizes_locked(stored)}
        if kind == "video":
            extra = {
                "width": int(item.get("width") or stored.width or 640),
                "height": int(item.get("height") or stored.height or 360),
                "duration": int(item.get("duration") or 0),
            }
            return {"video": self._file_dict(stored, **extra)}
        if kind == "audio":
            return {"audio": self._file_dict(stored, duration=int(item.get("duration") or 0))}
        return {"document": self._file_dict(stored)}

    def _get_file(self, p: Params) -> JSONDict:
        stored = self._files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > FILE_DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    def _download(self, file_path: str) -> bytes | None:
        """Bytes served at /file/bot<token>/<file_path>, or None."""
        with self._lock:
            stored = self._files_by_path.get(file_path)
            return None if stored is None else stored.data

    # -------------------------------------------------------------- sending
    def _send_message(self, p: Params) -> JSONDict:
        chat = self._chat_locked(p)
        raw = p.get_str("text")
        text, entities = self._format_locked(
            raw,
            p.get_str("parse_mode"),
            p.raw("entities"),
            limit=TEXT_LIMIT,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = self._markup_locked(p)
        reply = self._reply_locked(p, chat)
        self._consume_rate_locked(chat, 1)
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        record = self._record_locked(
            p,
            chat,
            "text",
            content,
            text=text,
            raw_text=raw,
            entities=entities,
            markup=markup,
            reply=reply,
        )
        return record.message

    def _send_file_message(self, p: Params, kind: str) -> JSONDict:
        chat = self._chat_locked(p)
        stored = self._input_file_locked(
            p.raw(kind),
            p.files,
            kind,
            missing=f"there is no {kind} in the request",
            direct=p.files.get(kind),
        )
        raw = p.get_str("caption")
        caption, entities = self._caption_locked(
            raw, p.get_str("parse_mode"), p.raw("caption_entities")
        )
        markup = self._markup_locked(p)
        reply = self._reply_locked(p, chat)
        self._consume_rate_locked(chat, 1)
        content = self._media_content_locked(kind, stored, {})
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        record = self._record_locked(
            p,
            chat,
            kind,
            content,
            text=caption,
            raw_text=raw,
            entities=entities,
            markup=markup,
            reply=reply,
            file_id=stored.file_id,
        )
        return record.message

    def _send_photo(self, p: Params) -> JSONDict:
        return self._send_file_message(p, "photo")

    def _send_document(self, p: Params) -> JSONDict:
        return self._send_file_message(p, "document")

    def _send_media_group(self, p: Params) -> list[JSONDict]:
        chat = self._chat_locked(p)
        media = p.get_json("media", "can't parse media JSON object")
        if media is None:
            raise bad_request('parameter "media" is required')
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise bad_request("can't parse media JSON object")
        if not media:
            raise bad_request("there are no messages to send")
        if len(media) > 10:
            raise bad_request("too many messages to send as an album")
        if len(media) == 1:
            raise bad_request("media group must contain 2-10 items")
        kinds = [str(item.get("type")) for item in media]
        for kind in kinds:
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
        for special in ("document", "audio"):
            if special in kinds and any(k != special for k in kinds):
                raise bad_request(f"{special} can't be mixed with other media types")
        prepared = []
        for item, kind in zip(media, kinds, strict=True):
            stored = self._input_file_locked(
                item.get("media"), p.files, kind, missing="can't parse InputMedia: media not found"
            )
            raw = item.get("caption")
            caption, entities = self._caption_locked(
                None if raw is None else str(raw),
                item.get("parse_mode"),
                item.get("caption_entities"),
            )
            prepared.append((item, kind, stored, raw, caption, entities))
        reply = self._reply_locked(p, chat)
        self._consume_rate_locked(chat, len(media))
        group_id = str(next(self._media_groups))
        messages = []
        for item, kind, stored, raw, caption, entities in prepared:
            content = self._media_content_locked(kind, stored, item)
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
            record = self._record_locked(
                p,
                chat,
                "media_group",
                content,
                text=caption,
                raw_text=raw,
                entities=entities,
                markup=None,
                reply=reply,
                file_id=stored.file_id,
                media_group_id=group_id,
            )
            messages.append(record.message)
        return messages

    def _send_location(self, p: Params) -> JSONDict:
        chat = self._chat_locked(p)
        latitude = p.get_float("latitude", required=True)
        longitude = p.get_float("longitude", required=True)
        assert latitude is not None and longitude is not None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong coordinates specified")
        location: JSONDict = {"latitude": latitude, "longitude": longitude}
        for name in ("horizontal_accuracy", "live_period", "heading"):
            if p.raw(name) is not None:
                location[name] = p.raw(name)
        markup = self._markup_locked(p)
        reply = self._reply_locked(p, chat)
        self._consume_rate_locked(chat, 1)
        record = self._record_locked(
            p,
            chat,
            "location",
            {"location": location},
            text=None,
            raw_text=None,
            entities=[],
            markup=markup,
            reply=reply,
        )
        return record.message

    def _send_chat_action(self, p: Params) -> bool:
        self._chat_locked(p)
        if p.get_str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # -------------------------------------------------------------- editing
    def _editable_locked(self, p: Params) -> SentMessage:
        if p.get_str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat_locked(p, sending=False)
        key = (
            int(chat["id"]),
            p.get_int("message_id", required=True, error="message identifier is not specified")
            or 0,
        )
        record = self._sent_index.get(key)
        if record is None or record.deleted:
            if key in self._messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return record

    def _apply_edit_locked(
        self,
        record: SentMessage,
        method: str,
        *,
        text: str | None,
        raw_text: str | None,
        parse_mode: str | None,
        entities: list[JSONDict],
        markup: JSONDict | None,
    ) -> JSONDict:
        inline = self._inline(markup)
        if (
            text == record.text
            and entities == record.entities
            and inline == self._inline(record.reply_markup)
        ):
            raise bad_request(NOT_MODIFIED)
        record.edits.append(
            Edit(
                time=time.monotonic(),
                method=method,
                text=record.text,
                entities=copy.deepcopy(record.entities),
                reply_markup=copy.deepcopy(record.reply_markup),
            )
        )
        record.text, record.raw_text, record.entities = text, raw_text, entities
        record.parse_mode = parse_mode
        record.reply_markup = copy.deepcopy(inline)
        message = record.message
        text_key, entities_key = (
            ("text", "entities") if record.kind == "text" else ("caption", "caption_entities")
        )
        for key, value in ((text_key, text), (entities_key, entities), ("reply_markup", inline)):
            if value:
                message[key] = copy.deepcopy(value)
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        return message

    def _edit_message_text(self, p: Params) -> JSONDict:
        record = self._editable_locked(p)
        if record.kind != "text":
            raise bad_request("there is no text in the message to edit")
        raw = p.get_str("text")
        text, entities = self._format_locked(
            raw,
            p.get_str("parse_mode"),
            p.raw("entities"),
            limit=TEXT_LIMIT,
            too_long="message is too long",
            empty="message text is empty",
        )
        return self._apply_edit_locked(
            record,
            "editMessageText",
            text=text,
            raw_text=raw,
            parse_mode=p.get_str("parse_mode"),
            entities=entities,
            markup=self._markup_locked(p),
        )

    def _edit_message_caption(self, p: Params) -> JSONDict:
        record = self._editable_locked(p)
        if record.kind in ("text", "location"):
            raise bad_request("there is no caption in the message to edit")
        raw = p.get_str("caption")
        caption, entities = self._caption_locked(
            raw, p.get_str("parse_mode"), p.raw("caption_entities")
        )
        return self._apply_edit_locked(
            record,
            "editMessageCaption",
            text=caption,
            raw_text=raw,
            parse_mode=p.get_str("parse_mode"),
            entities=entities,
            markup=self._markup_locked(p),
        )

    def _edit_message_reply_markup(self, p: Params) -> JSONDict:
        record = self._editable_locked(p)
        return self._apply_edit_locked(
            record,
            "editMessageReplyMarkup",
            text=record.text,
            raw_text=record.raw_text,
            parse_mode=record.parse_mode,
            entities=record.entities,
            markup=self._markup_locked(p),
        )

    def _delete_message(self, p: Params) -> bool:
        chat = self._chat_locked(p, sending=False)
        message_id = p.get_int(
            "message_id", required=True, error="message identifier is not specified"
        )
        key = (int(chat["id"]), message_id or 0)
        if key not in self._messages:
            raise bad_request("message to delete not found")
        del self._messages[key]
        record = self._sent_index.get(key)
        if record is not None:
            record.deleted = True
        return True

    def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.get_str("callback_query_id") or ""
        query = self._queries.get(query_id)
        timeout = self.callback_query_timeout
        if (
            query is None
            or query.answered
            or (timeout is not None and time.monotonic() - query.created > timeout)
        ):
            raise bad_request(QUERY_TOO_OLD)
        text = p.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self._answers.append(
            CallbackAnswer(
                seq=self._next_seq_locked(),
                query_id=query_id,
                text=text,
                show_alert=p.get_bool("show_alert"),
                url=p.get_str("url"),
                cache_time=p.get_int("cache_time"),
                time=time.monotonic(),
            )
        )
        return True

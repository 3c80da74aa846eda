"""What every sending method shares: the chat, text and entities, keyboards, replies."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from simulator.telegram.files import Files
from simulator.telegram.flood import Flood
from simulator.telegram.html import HtmlParseError, parse_html, strip_formatted, utf16_len
from simulator.telegram.models import (
    ApiError,
    JSONDict,
    SentMessage,
    bad_request,
)
from simulator.telegram.params import Params
from simulator.telegram.replies import Replies, Reply

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
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


class Content(Files, Flood, Replies):
    """Checks and records the content of messages the bot sends."""

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
        reply: Reply | None,
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
            message.update(copy.deepcopy(reply.fields))
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
            reply_to_message_id=None if reply is None else reply.message_id,
            date=message["date"],
            time=time.monotonic(),
            message=message,
            params=copy.deepcopy(p.values),
            media_group_id=media_group_id,
            file_id=file_id,
        )
        self._sent.append(record)
        self._sent_index[(chat_id, record.message_id)] = record
        self._change_locked(chat_id, "message", record.message_id)
        return record

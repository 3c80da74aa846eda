"""Bot API methods that change what was sent: edits, deleteMessage, answerCallbackQuery."""

from __future__ import annotations

import copy
import time

from simulator.telegram.content import TEXT_LIMIT, Content
from simulator.telegram.models import (
    CallbackAnswer,
    Edit,
    JSONDict,
    SentMessage,
    bad_request,
)
from simulator.telegram.params import Params

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class Editing(Content):
    """Edits, deletions and answers to button presses."""

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

    def _edit_markup_locked(self, p: Params) -> JSONDict | None:
        """Edits take an inline keyboard only (InlineKeyboardMarkup in the reference)."""
        markup = self._markup_locked(p)
        if markup is not None and self._inline(markup) is None:
            raise bad_request("inline keyboard expected")
        return markup

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
        self._change_locked(record.chat_id, "edit", record.message_id)
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
            markup=self._edit_markup_locked(p),
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
            markup=self._edit_markup_locked(p),
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
            markup=self._edit_markup_locked(p),
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
        self._change_locked(key[0], "delete", key[1])
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
        if query.chat_id is not None and text:
            self._change_locked(query.chat_id, "popup", query.message_id, query_id)
        return True

"""Replies: reply_parameters (or the older reply_to_message_id), quotes, replies to other chats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.telegram.html import HtmlParseError, parse_html, utf16_len
from simulator.telegram.models import JSONDict, bad_request
from simulator.telegram.params import Params
from simulator.telegram.state import State

QUOTE_LIMIT = 1024
_MEDIA = ("photo", "document", "location", "voice", "video", "audio", "sticker", "contact")


@dataclass(frozen=True)
class Reply:
    """What a new message carries about the message it answers."""

    message_id: int | None  # the replied message, when in the same chat
    fields: JSONDict  # reply_to_message or external_reply, and quote


def _quote_text(params: JSONDict) -> tuple[str, list[JSONDict]]:
    raw = str(params["quote"])
    entities = params.get("quote_entities")
    if isinstance(entities, list) and entities:
        return raw, [dict(e) for e in entities if isinstance(e, dict)]
    if str(params.get("quote_parse_mode") or "").lower() == "html":
        try:
            return parse_html(raw)
        except HtmlParseError as error:
            raise bad_request(str(error)) from None
    return raw, []


class Replies(State):
    """Finds the message replied to and builds what the reply shows of it."""

    def _reply_locked(self, p: Params, chat: JSONDict) -> Reply | None:
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
            params = {}
            message_id = p.get_int("reply_to_message_id")
            allow = p.get_bool("allow_sending_without_reply")
        if message_id in (None, 0):
            return None
        try:
            key = (target_chat, int(message_id))
        except (TypeError, ValueError):
            raise bad_request("can't parse reply parameters JSON object") from None
        other_chat = target_chat != int(chat["id"])
        if other_chat and target_chat not in self._chats:
            raise bad_request("chat not found")
        replied = self._messages.get(key)
        if replied is None:
            # "Always False for replies in another chat" (ReplyParameters).
            if allow and not other_chat:
                return None
            raise bad_request("message to be replied not found")
        fields: JSONDict = {}
        if other_chat:
            fields["external_reply"] = self._external_reply(replied)
        else:
            fields["reply_to_message"] = self._quoted(replied)
        if params.get("quote") not in (None, ""):
            fields["quote"] = self._quote_locked(params, replied)
        return Reply(None if other_chat else key[1], fields)

    @staticmethod
    def _quote_locked(params: JSONDict, replied: JSONDict) -> JSONDict:
        """The TextQuote: an exact part of the replied message's text or caption."""
        text, entities = _quote_text(params)
        if utf16_len(text) > QUOTE_LIMIT:
            raise bad_request("QUOTE_TEXT_INVALID")
        source = replied.get("text") or replied.get("caption") or ""
        wanted: Any = params.get("quote_position")
        found = source.find(text)
        if wanted is not None:
            try:
                at = int(wanted)
            except (TypeError, ValueError):
                raise bad_request("QUOTE_TEXT_INVALID") from None
            # quote_position counts UTF-16 code units; find the same place in characters.
            offset, found = 0, -1
            for index, character in enumerate(source):
                if offset == at:
                    found = index if source.startswith(text, index) else -1
                    break
                offset += utf16_len(character)
        if found < 0:
            raise bad_request("QUOTE_TEXT_INVALID")
        quote: JSONDict = {
            "text": text,
            "position": utf16_len(source[:found]),
            "is_manual": True,
        }
        if entities:
            quote["entities"] = entities
        return quote

    @staticmethod
    def _external_reply(replied: JSONDict) -> JSONDict:
        """ExternalReplyInfo: the origin of a message in another chat, and its media."""
        sender = replied.get("from") or {}
        origin: JSONDict = {"type": "user", "date": replied["date"], "sender_user": sender}
        info: JSONDict = {"origin": origin}
        chat = replied["chat"]
        if chat.get("type") in ("supergroup", "channel"):
            info["chat"] = dict(chat)
            info["message_id"] = replied["message_id"]
        for kind in _MEDIA:
            if kind in replied:
                info[kind] = replied[kind]
        return info

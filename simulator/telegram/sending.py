"""Bot API sending methods: sendMessage, sendPhoto, sendDocument, sendMediaGroup, …"""

from __future__ import annotations

from simulator.telegram.content import TEXT_LIMIT, Content
from simulator.telegram.models import (
    JSONDict,
    bad_request,
)
from simulator.telegram.params import Params

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


class Sending(Content):
    """The methods that send a new message."""

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

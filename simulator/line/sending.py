"""Push, reply and multicast: who receives what, what counts against the quota, what is kept."""

from __future__ import annotations

from typing import Any

from simulator.line import ids
from simulator.line.checks import MUST_BE_SPECIFIED
from simulator.line.models import (
    Detail,
    JSONDict,
    LineApiError,
    SendKind,
    SentMessage,
    invalid_property,
    request_body_error,
)
from simulator.line.records import REPLY_TOKEN_HARD_LIMIT, AcceptedKey, Chat
from simulator.line.state import LineState
from simulator.line.validation import QUOTABLE_TYPES, check_messages

MAX_MULTICAST = 500


def _notification_disabled(data: JSONDict) -> bool:
    value = data.get("notificationDisabled", False)
    if not isinstance(value, bool):
        raise invalid_property("notificationDisabled")
    return value


class Sending(LineState):
    """The sending endpoints; called with the lock held."""

    def _push_locked(self, data: JSONDict, request_id: str, retry_key: str | None) -> JSONDict:
        to = data.get("to")
        details: list[Detail] = []
        if to is None:
            details.append(("to", MUST_BE_SPECIFIED))
        elif not isinstance(to, str):
            raise invalid_property("to")
        details += check_messages(data.get("messages"))
        silent = _notification_disabled(data)
        if details:
            raise request_body_error(details)
        assert isinstance(to, str)
        if not ids.is_user_id(to):
            raise invalid_property("to")
        chat = self._chats.get(to)
        if chat is None:  # e.g. a user id of another provider's channel
            raise LineApiError(400, "Failed to send messages")
        messages: list[JSONDict] = data["messages"]
        self._check_quote_tokens_locked(chat, messages)
        # Users who blocked the account, or never added it, get a 200 and nothing, and a
        # message that reaches nobody isn't counted.
        delivered = chat.can_receive_push(self._now())
        if delivered:
            self._charge_locked(1)
        sent = self._record_locked(
            SendKind.PUSH, chat, messages, request_id, retry_key, delivered, silent
        )
        if retry_key is not None:
            self._retry_keys[retry_key] = AcceptedKey(request_id, self._now(), sent)
        return {"sentMessages": sent}

    def _reply_locked(self, data: JSONDict, request_id: str) -> JSONDict:
        token = data.get("replyToken")
        details: list[Detail] = []
        if token is None:
            details.append(("replyToken", MUST_BE_SPECIFIED))
        elif not isinstance(token, str):
            raise invalid_property("replyToken")
        details += check_messages(data.get("messages"))
        silent = _notification_disabled(data)
        if details:
            raise request_body_error(details)
        assert isinstance(token, str)
        issued = self._reply_tokens.get(token)
        now = self._now()
        if (
            issued is None
            or issued.used
            or issued.valid_until is None
            or now > issued.valid_until
            or now - issued.event_at > REPLY_TOKEN_HARD_LIMIT
        ):
            raise LineApiError(400, "Invalid reply token")
        chat = self._chats[issued.user_id]
        messages: list[JSONDict] = data["messages"]
        self._check_quote_tokens_locked(chat, messages)
        issued.used = True
        delivered = not chat.blocked
        sent = self._record_locked(
            SendKind.REPLY, chat, messages, request_id, None, delivered, silent, token
        )
        return {"sentMessages": sent}

    def _multicast_locked(self, data: JSONDict, request_id: str, retry_key: str | None) -> JSONDict:
        details: list[Detail] = []
        to: Any = data.get("to")
        if to is None:
            details.append(("to", MUST_BE_SPECIFIED))
        elif not isinstance(to, list):
            raise invalid_property("to")
        elif not 1 <= len(to) <= MAX_MULTICAST:
            details.append(("to", f"Size must be between 1 and {MAX_MULTICAST}"))
        details += check_messages(data.get("messages"))
        silent = _notification_disabled(data)
        if details:
            raise request_body_error(details)
        for i, user_id in enumerate(to):
            if not ids.is_user_id(user_id):  # group and room ids are refused here too
                raise invalid_property(f"to[{i}]")
        messages: list[JSONDict] = data["messages"]
        # Unknown ids and users who aren't friends get nothing, and aren't counted.
        chats = [self._chats[u] for u in dict.fromkeys(to) if u in self._chats]
        for chat in chats:
            self._check_quote_tokens_locked(chat, messages)
        receiving = [chat for chat in chats if chat.friend]
        self._charge_locked(len(receiving))
        for chat in chats:
            self._record_locked(
                SendKind.MULTICAST, chat, messages, request_id, retry_key, chat.friend, silent
            )
        if retry_key is not None:
            self._retry_keys[retry_key] = AcceptedKey(request_id, self._now(), None)
        return {}

    def _check_quote_tokens_locked(self, chat: Chat, messages: list[JSONDict]) -> None:
        """A quote token works only in the chat where the quoted message was sent."""
        details = [
            (f"messages[{i}].quoteToken", "The quote token is invalid")
            for i, m in enumerate(messages)
            if m.get("quoteToken") is not None and m["quoteToken"] not in chat.quote_tokens
        ]
        if details:
            raise request_body_error(details)

    def _record_locked(
        self,
        kind: SendKind,
        chat: Chat,
        messages: list[JSONDict],
        request_id: str,
        retry_key: str | None,
        delivered: bool,
        silent: bool,
        reply_token: str | None = None,
    ) -> list[JSONDict]:
        """Keep each message object; returns the `sentMessages` entries."""
        entries: list[JSONDict] = []
        for message in messages:
            message_id = self._next_message_id_locked()
            quote_token = ids.new_quote_token() if message["type"] in QUOTABLE_TYPES else None
            chat.message_ids.add(message_id)
            if quote_token is not None:
                chat.quote_tokens[quote_token] = message_id
            if delivered:
                # Only the last message object's quick reply buttons are shown.
                chat.quick_reply_message_id = message_id if message.get("quickReply") else None
            self._sent.append(
                SentMessage(
                    self._next_seq_locked(),
                    chat.user.user_id,
                    kind,
                    message,
                    message_id,
                    quote_token,
                    request_id,
                    retry_key,
                    delivered,
                    silent,
                    self._now(),
                    reply_token,
                )
            )
            entry: JSONDict = {"id": message_id}
            if quote_token is not None:
                entry["quoteToken"] = quote_token
            entries.append(entry)
        return entries

"""Runs one Bot API call: records it, applies injected faults, calls the method."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from simulator.telegram.bot_setup import BotSetup
from simulator.telegram.editing import Editing
from simulator.telegram.faults import Faults
from simulator.telegram.models import (
    ApiError,
    Call,
    LongPoll,
    Outcome,
)
from simulator.telegram.params import Params
from simulator.telegram.sending import Sending
from simulator.telegram.updates import Updates

# Methods that are accepted and recorded without further effect.
ACCEPTED_METHODS = (
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMyDefaultAdministratorRights",
)


class Dispatch(Sending, Editing, Updates, BotSetup, Faults):
    """Every Bot API method the simulator knows, by name."""

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

    def _request_done(self, outcome: Outcome) -> None:
        """The HTTP answer of ``outcome`` was written (or abandoned)."""
        with self._lock:
            if outcome.call.method != "getUpdates":
                self._in_flight -= 1
                self._last_activity = time.monotonic()

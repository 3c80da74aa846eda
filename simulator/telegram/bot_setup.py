"""Bot API methods about the bot itself: getMe, commands, the menu button."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from simulator.telegram.models import (
    JSONDict,
    bad_request,
)
from simulator.telegram.params import Params
from simulator.telegram.state import State

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


class BotSetup(State):
    """getMe, setMyCommands and friends, setChatMenuButton."""

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

"""The bot's commands: the core's catalogue holds them; the command menus are built from it."""

from __future__ import annotations

from incidents.text.commands import COMMANDS, PUBLIC_COMMANDS, Command, for_roles

__all__ = ["COMMANDS", "PUBLIC_COMMANDS", "Command", "for_roles"]

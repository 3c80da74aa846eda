"""The people and groups the simulated Telegram knows."""

from __future__ import annotations

from simulator.telegram.models import (
    FakeUser,
    JSONDict,
)
from simulator.telegram.state import State


class Actors(State):
    """Users (their private chat id is their user id) and groups the bot is in."""

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

    def users(self) -> list[FakeUser]:
        """Everyone registered, in the order they were added."""
        with self._lock:
            return list(self._users.values())

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

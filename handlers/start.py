"""/start: joining the bot with an invitation, or greeting someone already on the roster."""

from __future__ import annotations

import logging
import re

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, filters

from bot.runtime import AppContext
from handlers.replying import say, say_to
from incidents import text as texts
from incidents.actions import ReplyKeyboard
from incidents.roster import joining, profile
from incidents.roster.joining import JoinOutcome
from incidents.text import commands
from incidents.thaidate import format_datetime
from storage.models import Person, Role

log = logging.getLogger(__name__)

_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_REFUSALS = {
    JoinOutcome.UNKNOWN: texts.JOIN_UNKNOWN,
    JoinOutcome.USED: texts.JOIN_USED,
    JoinOutcome.EXPIRED: texts.JOIN_EXPIRED,
    JoinOutcome.INACTIVE: texts.STRANGER_REFUSAL,
    JoinOutcome.ACCOUNT_TAKEN: texts.JOIN_ACCOUNT_TAKEN,
}


def menu_for(person: Person) -> ReplyKeyboard:
    """The persistent keyboard for the person's roles (the report button for reporters)."""
    return ReplyKeyboard.MAIN_MENU if person.has_role(Role.REPORTER) else ReplyKeyboard.NONE


async def set_personal_menu(context: AppContext, person: Person) -> None:
    """Show the person's own commands in their chat's menu; a refusal is logged, not fatal."""
    assert person.telegram_user_id is not None
    menu = [BotCommand(c.name, c.description) for c in commands.for_roles(person.roles)]
    try:
        await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(person.telegram_user_id))
    except TelegramError as exc:
        log.warning("setMyCommands for person#%s refused: %s", person.id, exc)


async def start(update: Update, context: AppContext) -> None:
    """Bind the account with the invite code, or greet a person already joined."""
    user = update.effective_user
    assert user is not None
    if not context.args:
        person = context.require_person()
        welcome = profile.welcome(person, again=True)
        await say(update, context, welcome, keyboard=menu_for(person))
        return

    code = context.args[0]
    runtime = context.runtime
    if not _CODE_RE.match(code):
        log.info("join refused for %s: malformed code", runtime.pseudonym(user.id))
        await say(update, context, texts.JOIN_UNKNOWN)
        return
    result = await joining.join(runtime.core, code, user.id)
    log.info("join attempt by %s: %s", runtime.pseudonym(user.id), result.outcome)

    if result.outcome in _REFUSALS:
        await say(update, context, _REFUSALS[result.outcome])
        return
    assert result.person is not None
    welcome = profile.welcome(result.person, again=result.outcome is JoinOutcome.ALREADY_JOINED)
    await say(update, context, welcome, keyboard=menu_for(result.person))
    if result.outcome is JoinOutcome.JOINED:
        await set_personal_menu(context, result.person)
        if result.person.has_role(Role.ADMIN):
            await tell_new_admin_of_strangers(context, result.person)


async def tell_new_admin_of_strangers(context: AppContext, admin: Person) -> None:
    """An admin who joins hears of strangers no admin could be told about before."""
    tz = context.runtime.core.rules.tz
    seen = await joining.strangers_for_new_admin(context.runtime.core)
    contacts = [(c.account_id, c.attempts, format_datetime(c.last_seen_at, tz)) for c in seen]
    if not contacts:
        return
    assert admin.telegram_user_id is not None
    backlog = texts.admin_stranger_backlog(contacts)
    await say_to(context, admin.telegram_user_id, backlog, person_id=admin.id)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /start for private chats."""
    application.add_handler(CommandHandler("start", start, filters=filters.ChatType.PRIVATE))

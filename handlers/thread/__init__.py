"""After the alert: /update, /open, the thread buttons, and messages that answer a prompt.

What a person's next message means (news, an instruction, a question, an answer, a closing
summary) is stored as their pending input, so the conversation survives restarts like drafts.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from handlers import codec
from handlers.thread.buttons import (
    on_answer_button,
    on_instruction_ack,
    on_thread_button,
    start_prompt,
)
from handlers.thread.menus import open_command, update_command
from handlers.thread.messages import cancel_pending, handle_message, handle_reply
from incidents.actions import AcknowledgeInstruction, AnswerRequest, ThreadAction

__all__ = ["cancel_pending", "handle_message", "handle_reply", "register", "start_prompt"]


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add /update, /open and the thread buttons (messages come through handlers/router.py)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("update", update_command, filters=private))
    application.add_handler(CommandHandler("open", open_command, filters=private))
    buttons = (
        (on_thread_button, ThreadAction),
        (on_instruction_ack, AcknowledgeInstruction),
        (on_answer_button, AnswerRequest),
    )
    for callback, family in buttons:
        application.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern(family)))

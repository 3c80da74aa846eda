"""Telegram handlers: each module turns updates into service calls and registers itself."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    access,
    alerts,
    drills,
    errors,
    fallback,
    info,
    reach,
    report,
    router,
    start,
    thread,
    web,
)


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in order."""
    # Group -1: the access gate runs before anything else and stops strangers there. (The
    # inbox drops redelivered updates; bot/intake/telegram.py opens each one's reply scope.)
    access.register(application)
    # Group 0: the first matching handler wins, so commands come first, then the report
    # conversation's message router, then the catch-alls.
    start.register(application)
    info.register(application)
    web.register(application)
    drills.register(application)
    reach.register(application)
    alerts.register(application)
    report.register(application)
    thread.register(application)
    # Messages last among the specific handlers: prompts and thread replies, then drafts.
    router.register(application)
    fallback.register(application)
    errors.register(application)

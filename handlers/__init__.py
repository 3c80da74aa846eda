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
    replying,
    report,
    router,
    start,
    thread,
    web,
)


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in order."""
    # Group -2 opens the scope that collects each update's replies; group 1000 writes the
    # ones made after the last unit of work (handlers/replying.py).
    replying.register(application)
    # Group -1: the access gate runs before anything else: it skips updates handled before
    # and stops strangers there. Group 100 remembers every update once handled.
    access.register(application)
    # Group 0: the first matching handler wins, so commands come first, then the report
    # conversation's message router, then the catch-alls.
    start.register(application)
    info.register(application)
    web.register(application)
    drills.register(application)
    alerts.register(application)
    report.register(application)
    thread.register(application)
    # Messages last among the specific handlers: prompts and thread replies, then drafts.
    router.register(application)
    fallback.register(application)
    errors.register(application)

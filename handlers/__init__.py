"""Telegram handlers: each module turns updates into service calls and registers itself."""

from __future__ import annotations

from telegram.ext import Application

from handlers import access, errors, fallback, info, start


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in order."""
    # Group -1: the access gate runs before anything else and stops strangers there.
    access.register(application)
    # Group 0: the first matching handler wins, so specific handlers come first...
    start.register(application)
    info.register(application)
    # ...and the catch-alls last.
    fallback.register(application)
    errors.register(application)

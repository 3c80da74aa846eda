"""Logging set-up, and pseudonyms so logs correlate people without naming them (PDPA)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Our own code: these follow LOG_LEVEL.
OWN_LOGGERS = ("bot", "handlers", "storage", "web")
# Below WARNING, libraries log what passes through them: Bot API URLs (with the token) and
# request parameters (message texts, phone numbers, chat ids), SQL with its parameters, form
# fields. They stay at WARNING whatever LOG_LEVEL says; the handler enforces it too, for
# loggers not named here and libraries that set their own level later.
THIRD_PARTY_LEVEL = logging.WARNING
THIRD_PARTY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "hpack",
    "h11",
    "h2",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy",
    "alembic",
    "asyncio",
    "uvicorn",
    "starlette",
    "multipart",
    "python_multipart",
    "apscheduler",
)

_REDACTED = "<redacted>"
# Shapes of secrets and personal data, replaced in every line that reaches the handler.
_REDACTIONS = (
    # A bot token, alone or inside a Bot API URL (…/bot<token>/getMe).
    (re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}"), "<bot-token>"),
    # A web sign-in link's token.
    (re.compile(r"(/login/)[A-Za-z0-9_-]+"), r"\1" + _REDACTED),
    # An invitation code, typed (/start <code>) or in a deep link (?start=<code>).
    (re.compile(r"(/start(?:@\w+)?\s+)\S+"), r"\1" + _REDACTED),
    (re.compile(r"([?&]start=)[A-Za-z0-9_-]+"), r"\1" + _REDACTED),
    # Thai phone numbers: 0 and 8 or 9 digits, dashes optional; +66 instead of the 0.
    (re.compile(r"(?<![\w-])(?<!tg:)(?:\+66|0)\d{1,2}-?\d{3}-?\d{3,4}(?![\w-])"), "<phone>"),
    # The bound values SQLAlchemy puts in an error's text.
    (
        re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.DOTALL),
        "[parameters: " + _REDACTED + "]",
    ),
    # The input pydantic quotes in a validation error.
    (re.compile(r"input_value=.*?(?=, input_type=)", re.DOTALL), "input_value=" + _REDACTED),
)


def redact(text: str) -> str:
    """Replace every secret-looking part of a log text."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _is_own(name: str) -> bool:
    return name.split(".", 1)[0] in OWN_LOGGERS


class LogGuard(logging.Filter):
    """The handler's filter: drops third-party chatter and redacts what it lets through."""

    def __init__(self) -> None:
        super().__init__()
        self._exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep our own records and third-party warnings, each redacted in place."""
        if record.levelno < THIRD_PARTY_LEVEL and not _is_own(record.name):
            return False
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Logging's own error report would print the raw arguments; say less.
            message = f"unformattable log message ({record.pathname}:{record.lineno})"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class Pseudonymizer:
    """Turns Telegram ids into short keyed hashes for log lines."""

    def __init__(self, key: str = "") -> None:
        # Without a configured key, a per-process key still keeps ids out of the logs.
        self._key = (key or secrets.token_hex(16)).encode("utf-8")

    def __call__(self, telegram_id: int | None) -> str:
        if telegram_id is None:
            return "tg:-"
        digest = hmac.new(self._key, str(telegram_id).encode("ascii"), hashlib.sha256)
        return "tg:" + digest.hexdigest()[:10]


def configure(level: str) -> None:
    """Log to stderr with timestamps: our loggers at `level`, libraries at WARNING at most."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(LogGuard())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(THIRD_PARTY_LEVEL)
    for name in THIRD_PARTY_LOGGERS:
        library = logging.getLogger(name)
        library.setLevel(THIRD_PARTY_LEVEL)
        # A library that installed its own handler (uvicorn does) would bypass the guard.
        for own_handler in list(library.handlers):
            library.removeHandler(own_handler)
        library.propagate = True
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level.upper())

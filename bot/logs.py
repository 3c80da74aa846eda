"""Logging set-up, and pseudonyms so logs correlate people without naming them (PDPA)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets


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
    """Log to stderr with timestamps; quiet the chatty HTTP client."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)

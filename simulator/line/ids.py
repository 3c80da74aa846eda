"""Identifiers in the shapes the LINE Platform uses: user ids, message ids, tokens, ULIDs."""

from __future__ import annotations

import re
import secrets
import uuid

# "U" followed by 32 lower-case hex digits, as the reference states for `destination`.
USER_ID_RE = re.compile(r"U[0-9a-f]{32}")
# The retry key is "a UUID in hexadecimal format" chosen by the caller.
RETRY_KEY_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Message ids in the reference are 18-digit decimal strings ("461230966842064897").
FIRST_MESSAGE_ID = 461_230_966_842_064_897


def is_user_id(value: object) -> bool:
    """Whether ``value`` is shaped like a LINE user id."""
    return isinstance(value, str) and USER_ID_RE.fullmatch(value) is not None


def is_retry_key(value: str) -> bool:
    """Whether ``value`` is a hexadecimal UUID, as the retry key must be."""
    return RETRY_KEY_RE.fullmatch(value) is not None


def new_user_id() -> str:
    """A fresh user id."""
    return "U" + secrets.token_hex(16)


def new_reply_token() -> str:
    """A fresh reply token (32 hex digits, like the reference's examples)."""
    return secrets.token_hex(16)


def new_quote_token() -> str:
    """A fresh quote token (an opaque URL-safe string)."""
    return secrets.token_urlsafe(48)


def new_read_token() -> str:
    """A fresh token for marking a user's message as read."""
    return secrets.token_urlsafe(24)


def new_request_id() -> str:
    """A fresh ``x-line-request-id``."""
    return str(uuid.uuid4())


def new_ulid(milliseconds: int) -> str:
    """A ULID (26 Crockford base-32 digits) for a webhook event at ``milliseconds``."""
    value = (milliseconds & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    digits = []
    for _ in range(26):
        digits.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(digits))

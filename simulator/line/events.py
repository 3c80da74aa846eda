"""Webhook request bodies: event objects, the signature, and a sample image."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import struct
import zlib
from datetime import datetime

from simulator.line import ids
from simulator.line.models import JSONDict

SIGNATURE_HEADER = "x-line-signature"  # the reference writes it in lower case


def sign(channel_secret: str, body: bytes) -> str:
    """``x-line-signature``: base64 of HMAC-SHA256 of the raw body keyed by the channel secret."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_body(destination: str, events: list[JSONDict]) -> bytes:
    """The request body: the bot's user id and the events, as compact UTF-8 JSON."""
    payload = {"destination": destination, "events": events}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def new_event(
    kind: str, user_id: str, at: datetime, *, reply_token: str | None, **fields: object
) -> JSONDict:
    """An event object with the common properties of a one-on-one chat."""
    milliseconds = int(at.timestamp() * 1000)
    event: JSONDict = {"type": kind, "mode": "active", "timestamp": milliseconds}
    event["source"] = {"type": "user", "userId": user_id}
    event["webhookEventId"] = ids.new_ulid(milliseconds)
    event["deliveryContext"] = {"isRedelivery": False}
    if reply_token is not None:
        event["replyToken"] = reply_token
    event.update(fields)
    return event


def redelivered(event: JSONDict) -> JSONDict:
    """The same event marked as redelivered (same id and timestamp)."""
    again = copy.deepcopy(event)
    again["deliveryContext"] = {"isRedelivery": True}
    return again


def solid_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A small valid PNG image, the default content of a photo a user sends."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )

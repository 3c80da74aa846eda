"""Signed, expiring addresses of an incident's photos, for a platform that fetches an image
itself and carries no session: LINE's servers show a card's photo from an HTTPS address.

An address names the attachment and the moment it stops working, signed with HMAC-SHA256
under a key only the deployment has (derived from the LINE channel secret, so every replica
holds the same one and nothing new is configured). It opens that one photo until then and
nothing else; each opening is audited (incidents/records/downloads.linked_photo).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidents.clock import Clock
from storage.models import Attachment, AttachmentKind

# Long enough for an executive who opens the card the next morning, or after a weekend.
LINK_TTL = timedelta(days=3)
# What LINE shows as a card's image.
CARD_TYPES = frozenset({"image/jpeg", "image/png"})
# The first across the card, the next three in a row under it; the rest are on the web page.
CARD_PHOTOS = 4
_SIGNATURE_CHARS = 32  # 128 bits of the HMAC, in hex
_CONTEXT = b"incident-bot photo links v1"


def key_from(secret: str) -> bytes:
    """The links' key, derived from a deployment secret (empty: no links are made)."""
    if not secret:
        return b""
    return hmac.new(secret.encode("utf-8"), _CONTEXT, hashlib.sha256).digest()


def signature(key: bytes, attachment_id: int, expires: int) -> str:
    """The signature of one attachment's address until `expires` (a Unix time)."""
    message = f"{attachment_id}.{expires}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_SIGNATURE_CHARS]


def valid(key: bytes, attachment_id: int, expires: int, signed: str, now: datetime) -> bool:
    """Whether an address is ours, for this attachment, and not yet expired."""
    if not key or expires <= now.timestamp():
        return False
    if expires > (now + LINK_TTL + timedelta(minutes=5)).timestamp():
        return False  # never made by us: no address lives longer than LINK_TTL
    return hmac.compare_digest(signature(key, attachment_id, expires), signed)


def path_of(key: bytes, attachment_id: int, now: datetime) -> str:
    """The web log's path of an attachment, good for LINK_TTL from now."""
    expires = int((now + LINK_TTL).timestamp())
    return f"/photos/{attachment_id}/{expires}/{signature(key, attachment_id, expires)}"


def card_photos(attachments: Sequence[Attachment]) -> list[Attachment]:
    """The photos a card may show: those kept here in a type LINE can show, in order."""
    return [
        attachment
        for attachment in sorted(attachments, key=lambda a: a.id)
        if attachment.kind is AttachmentKind.PHOTO
        and attachment.stored_path
        and (attachment.mime_type or "image/jpeg") in CARD_TYPES
    ]


@dataclass(frozen=True, slots=True)
class PhotoLinks:
    """Makes the addresses; only over HTTPS (LINE fetches nothing else) and with a key."""

    base_url: str
    key: bytes
    clock: Clock

    def card_urls(self, attachments: Sequence[Attachment]) -> tuple[str, ...]:
        """The addresses of the photos a card shows (at most CARD_PHOTOS), or none."""
        if not self.key or not self.base_url.startswith("https://"):
            return ()
        base, now = self.base_url.rstrip("/"), self.clock.now()
        shown = card_photos(attachments)[:CARD_PHOTOS]
        return tuple(base + path_of(self.key, photo.id, now) for photo in shown)

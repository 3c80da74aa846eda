"""Signed, expiring photo addresses (a LINE card's image): made only over HTTPS with a key,
opening that one photo until they expire, each opening audited; anything else opens nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from incidents import photolinks
from incidents.config import Rules
from incidents.core import Core
from incidents.outbox.render import Renderer
from incidents.records import downloads
from incidents.text.rich import Text
from storage.models import Attachment, AuditAction, Incident
from tests.fakes import make_png
from tests.incidents.records.conftest import ADDRESS, add, trail
from tests.support.clock import ManualClock
from tests.support.incidents import Spec
from web.app import create_app

KEY = photolinks.key_from("8c1f0e2d3b4a59687766a5b4c3d2e1f0")
BASE = "https://incidents.phichit.example"


def core_rules(core: Core, key: bytes) -> Rules:
    return core.rules.model_copy(update={"photo_link_key": key})


@pytest.fixture
def keyed(core: Core) -> Core:
    return dataclasses.replace(core, rules=core_rules(core, KEY))


def parts(url: str) -> tuple[int, int, str]:
    """The attachment id, expiry and signature of an address."""
    attachment_id, expires, signed = url.rsplit("/photos/", 1)[1].split("/")
    return int(attachment_id), int(expires), signed


def test_an_address_is_good_for_its_photo_until_it_expires(clock: ManualClock):
    now = clock.now()
    attachment_id, expires, signed = parts(photolinks.path_of(KEY, 7, now))
    assert attachment_id == 7
    assert expires == int((now + photolinks.LINK_TTL).timestamp())
    assert photolinks.valid(KEY, 7, expires, signed, now)
    assert not photolinks.valid(KEY, 8, expires, signed, now)  # another photo
    assert not photolinks.valid(KEY, 7, expires + 1, signed, now)  # a longer life
    assert not photolinks.valid(KEY, 7, expires, signed[:-1] + "0", now)
    assert not photolinks.valid(photolinks.key_from("other"), 7, expires, signed, now)
    assert not photolinks.valid(b"", 7, expires, signed, now)
    assert not photolinks.valid(KEY, 7, expires, signed, now + photolinks.LINK_TTL)
    # Signed with our key but for longer than we ever make: not ours.
    far = int((now + 10 * photolinks.LINK_TTL).timestamp())
    assert not photolinks.valid(KEY, 7, far, photolinks.signature(KEY, 7, far), now)
    assert photolinks.key_from("") == b""


async def test_the_card_shows_up_to_four_photos_only_over_https_with_a_key(
    keyed: Core, clock: ManualClock
):
    reference = await add(keyed, Spec(photos=[make_png() for _ in range(6)]))
    async with keyed.reading() as session:
        incident = await session.scalar(select(Incident).where(Incident.reference == reference))
        assert incident is not None
        await session.refresh(incident, ["attachments", "district", "acknowledged_by"])
        first = sorted(a.id for a in incident.attachments)[:4]

        def card_urls(base: str, key: bytes) -> tuple[str, ...]:
            renderer = Renderer(
                keyed.rules.tz, base, photos=photolinks.PhotoLinks(base, key, clock)
            )
            rendered = renderer.alert(incident, Text(), edit=False, card=True)
            assert rendered.card is not None
            return rendered.card.photo_urls

        urls = card_urls(BASE, KEY)
        assert [parts(url)[0] for url in urls] == first
        assert all(url.startswith(f"{BASE}/photos/") for url in urls)
        assert all(photolinks.valid(KEY, *parts(url), clock.now()) for url in urls)
        assert card_urls("http://incidents.phichit.example", KEY) == ()
        assert card_urls(BASE, b"") == ()


async def test_an_address_opens_its_photo_and_the_opening_is_audited(
    keyed: Core, clock: ManualClock
):
    reference = await add(keyed, Spec(photos=[make_png()]))
    attachment_id, expires, signed = parts(photolinks.path_of(KEY, 1, clock.now()))

    kept = await downloads.linked_photo(keyed, attachment_id, expires, signed, ADDRESS)

    assert kept is not None and kept.media_type == "image/png"
    assert kept.path.read_bytes().startswith(b"\x89PNG")
    [row] = await trail(keyed, AuditAction.WEB_PHOTO_LINK_OPENED)
    assert (row.subject_type, row.subject_id, row.source) == ("attachment", "1", ADDRESS)
    assert row.detail == {"incident": reference}


async def test_a_forged_expired_or_unkept_address_opens_nothing(keyed: Core, clock: ManualClock):
    await add(keyed, Spec(photos=[make_png()]))
    attachment_id, expires, signed = parts(photolinks.path_of(KEY, 1, clock.now()))

    assert await downloads.linked_photo(keyed, 1, expires, "0" * 32, "") is None
    assert await downloads.linked_photo(keyed, 2**31, expires, signed, "") is None
    unsigned = dataclasses.replace(
        keyed, rules=keyed.rules.model_copy(update={"photo_link_key": b""})
    )
    assert await downloads.linked_photo(unsigned, attachment_id, expires, signed, "") is None
    async with keyed.unit() as uow:
        photo = await uow.session.get_one(Attachment, 1)
        photo.stored_path = None
    assert await downloads.linked_photo(keyed, attachment_id, expires, signed, "") is None
    async with keyed.unit() as uow:
        (await uow.session.get_one(Attachment, 1)).stored_path = "gone/nowhere.png"
    assert await downloads.linked_photo(keyed, attachment_id, expires, signed, "") is None
    clock.advance(photolinks.LINK_TTL + timedelta(seconds=1))
    assert await downloads.linked_photo(keyed, attachment_id, expires, signed, "") is None
    assert await trail(keyed, AuditAction.WEB_PHOTO_LINK_OPENED) == []


async def test_the_web_log_serves_the_address_without_a_session(keyed: Core, clock: ManualClock):
    await add(keyed, Spec(photos=[make_png()]))
    path = photolinks.path_of(KEY, 1, clock.now())
    transport = httpx.ASGITransport(app=create_app(keyed), client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        good = await client.get(path)
        forged = await client.get(path[:-4] + "beef")
        malformed = await client.get("/photos/1/x/y")

    assert good.status_code == 200 and good.content.startswith(b"\x89PNG")
    assert good.headers["content-type"] == "image/png"
    assert good.headers["x-content-type-options"] == "nosniff"
    assert (forged.status_code, malformed.status_code) == (404, 404)
    [row] = await trail(keyed, AuditAction.WEB_PHOTO_LINK_OPENED)
    assert row.source == "203.0.113.9"

"""LINE's webhook into the durable inbox: signed posts stored before the 200 and handled once,
forged ones refused with nothing stored, redeliveries dropped, one user's events in order."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.line.inbound import Kind
from bot.settings import Settings
from incidents.inbox import store
from simulator.line import FakeLinePlatform
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate
from tests.bot.line.conftest import LINE_SECRET, Outcomes
from tests.support.harness import Harness


def signed(body: bytes, secret: str = LINE_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {
        "X-Line-Signature": base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


def text_event(
    event_id: str, user_id: str, text: str, *, redelivery: bool = False
) -> dict[str, Any]:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1764640000000,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": "0f3779fba3b349968c5d07db31eab56f",
        "message": {"type": "text", "id": "468789577898262530", "text": text},
    }


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "U" + "d" * 32, "events": list(events)}).encode()


async def line_rows(settings: Settings) -> list[InboxUpdate]:
    db = Database(settings.resolved_database_url)
    try:
        async with db.read() as session:
            found = await session.scalars(
                select(InboxUpdate).where(InboxUpdate.channel == "line").order_by(InboxUpdate.id)
            )
            return list(found.all())
    finally:
        await db.dispose()


async def test_a_signed_follow_is_stored_handled_once_and_greets_with_a_request_for_the_code(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes, line_settings: Settings
):
    officer = line.add_user("สมชาย")
    (greeted,) = await outcomes.wait_for(officer.user_id)
    await line.wait_idle()

    rows = await line_rows(line_settings)
    assert greeted.kind is Kind.GREETED and "รหัสเชิญ" in greeted.reply
    assert greeted.reply_token is not None
    assert [(r.status, r.lane) for r in rows] == [
        (InboxStatus.DONE, f"line:user:{officer.user_id}")
    ]
    assert all(a.status == 200 for a in line.webhook_attempts())
    assert outcomes.kinds(officer.user_id) == [Kind.GREETED]


async def test_a_forged_or_missing_signature_is_refused_and_nothing_is_stored(
    program: Harness, webhook_url: str, line_settings: Settings, outcomes: Outcomes
):
    body = body_of(text_event("01JDFORGED0000000000000001", "U" + "e" * 32, "code"))
    async with httpx.AsyncClient() as client:
        forged = await client.post(webhook_url, content=body, headers=signed(body, "0" * 32))
        missing = await client.post(webhook_url, content=body)
        garbage = await client.post(webhook_url, content=body, headers={"X-Line-Signature": "*"})

    assert (forged.status_code, missing.status_code, garbage.status_code) == (403, 403, 403)
    assert await line_rows(line_settings) == []
    assert outcomes.seen == []


async def test_a_body_that_is_not_utf8_cannot_be_shown_to_be_line_s_and_is_refused(
    program: Harness, webhook_url: str, line_settings: Settings
):
    # Signed over its raw bytes; LINE posts UTF-8 JSON, and the SDK's validator signs text.
    body = b'{"destination": "U0", "events": []}\xff'
    async with httpx.AsyncClient() as client:
        answer = await client.post(webhook_url, content=body, headers=signed(body))

    assert answer.status_code == 403
    assert await line_rows(line_settings) == []


async def test_the_console_s_verify_and_a_well_signed_non_webhook(
    program: Harness, webhook_url: str, line_settings: Settings
):
    verify = body_of()
    not_json = b"{not json"
    no_events = b'{"destination": "U0"}'
    no_event_id = body_of({"type": "follow", "source": {"type": "user", "userId": "U" + "f" * 32}})
    async with httpx.AsyncClient() as client:
        answers = [
            (await client.post(webhook_url, content=b, headers=signed(b))).status_code
            for b in (verify, not_json, no_events, no_event_id)
        ]

    assert answers == [200, 400, 400, 400]
    assert await line_rows(line_settings) == []


async def test_events_from_groups_and_rooms_are_acknowledged_and_not_stored(
    program: Harness, webhook_url: str, line_settings: Settings
):
    in_group = text_event("01JDGROUP00000000000000001", "U" + "a" * 32, "สวัสดี")
    in_group["source"] = {"type": "group", "groupId": "C" + "a" * 32, "userId": "U" + "a" * 32}
    in_room = text_event("01JDROOM000000000000000001", "U" + "b" * 32, "สวัสดี")
    in_room["source"] = {"type": "room", "roomId": "R" + "b" * 32}
    body = body_of(in_group, in_room)
    async with httpx.AsyncClient() as client:
        answer = await client.post(webhook_url, content=body, headers=signed(body))

    assert answer.status_code == 200
    assert await line_rows(line_settings) == []


async def test_an_event_posted_again_as_a_redelivery_is_handled_once(
    program: Harness, webhook_url: str, line_settings: Settings, outcomes: Outcomes
):
    user_id = "U" + "c" * 32
    first = body_of(text_event("01JDREDELIVERY000000000001", user_id, "สวัสดี"))
    again = body_of(text_event("01JDREDELIVERY000000000001", user_id, "สวัสดี", redelivery=True))
    async with httpx.AsyncClient() as client:
        answers = [
            (await client.post(webhook_url, content=b, headers=signed(b))).status_code
            for b in (first, again)
        ]
    await outcomes.wait_for(user_id)
    await program.runtime.inbox.drain()  # type: ignore[union-attr]

    assert answers == [200, 200]
    assert [r.external_id for r in await line_rows(line_settings)] == ["01JDREDELIVERY000000000001"]
    assert outcomes.kinds(user_id) == [Kind.STRANGER_REFUSED]


async def test_a_store_failure_gets_503_and_line_s_redelivery_is_stored_and_handled_once(
    program: Harness,
    line: FakeLinePlatform,
    outcomes: Outcomes,
    line_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
):
    real_store = store.store
    failures = [OSError("database unreachable")]

    async def flaky_store(*args: Any, **kwargs: Any) -> list[int]:
        if failures:
            raise failures.pop()
        return await real_store(*args, **kwargs)

    monkeypatch.setattr(store, "store", flaky_store)
    officer = line.add_user("สมชาย", follow=False)
    followed = line.follow(officer)
    attempts = await line.wait_for_attempts(followed, 2)
    await outcomes.wait_for(officer.user_id)
    await line.wait_idle()

    assert [(a.status, a.redelivery) for a in attempts] == [(503, False), (200, True)]
    assert [r.status for r in await line_rows(line_settings)] == [InboxStatus.DONE]
    assert outcomes.kinds(officer.user_id) == [Kind.GREETED]


async def test_one_user_s_events_are_handled_in_the_order_they_were_sent(
    program: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    officer = line.add_user("สมชาย")
    texts = [f"ข้อความที่ {n}" for n in range(1, 6)]
    for text in texts:
        line.send_text(officer, text)
    handled = await outcomes.wait_for(officer.user_id, 1 + len(texts))

    said = [o.event.message.text for o in handled[1:]]  # type: ignore[union-attr]
    assert said == texts
    assert [o.kind for o in handled] == [Kind.GREETED] + [Kind.STRANGER_REFUSED] * 5
    # A stranger is answered the first few times only, as on Telegram.
    assert [bool(o.reply) for o in handled[1:]] == [True, True, True, False, False]


async def test_a_standby_event_and_an_unused_event_type_are_stored_and_left_alone(
    program: Harness, webhook_url: str, line_settings: Settings, outcomes: Outcomes
):
    user_id = "U" + "9" * 32
    standby = text_event("01JDSTANDBY000000000000001", user_id, "ABCdef123")
    standby["mode"] = "standby"
    del standby["replyToken"]
    unsend = {
        "type": "unsend",
        "mode": "active",
        "timestamp": 1764640000001,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": "01JDUNSEND0000000000000001",
        "deliveryContext": {"isRedelivery": False},
        "unsend": {"messageId": "468789577898262530"},
    }
    body = body_of(standby, unsend)
    async with httpx.AsyncClient() as client:
        answer = await client.post(webhook_url, content=body, headers=signed(body))
    await outcomes.wait_for(user_id, 2)
    await program.runtime.inbox.drain()  # type: ignore[union-attr]

    assert answer.status_code == 200
    assert outcomes.kinds(user_id) == [Kind.IGNORED, Kind.IGNORED]
    assert [r.status for r in await line_rows(line_settings)] == [InboxStatus.DONE] * 2
    assert (await program.person("D6604")).line_user_id is None

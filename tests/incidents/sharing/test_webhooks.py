"""Signed webhooks against a real receiver on loopback: each event a subscriber asked for is
POSTed once per delivery id, retried after a failure with the same id and body, signed so the
receiver can check it; drills, events not asked for and revoked subscribers send nothing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.senders import webhook as webhook_sender
from bot.senders.webhook import WebhookSender
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.outbox.delivery import OutcomeKind
from incidents.outbox.loop import DeliveryLoop
from incidents.outbox.render import Method, Rendered
from incidents.outbox.webhook import WebhookCall
from incidents.sharing import subscribers
from storage.models import (
    DeliveryKind,
    DeliveryStatus,
    Drill,
    DrillStatus,
    EventKind,
    Incident,
)
from tests.incidents.sharing.hooks import record, webhook_rows
from tests.simulator.line.receiver import Received, WebhookReceiver
from tests.support.clock import ManualClock
from tests.support.core import JOINED, queued
from tests.support.incidents import Spec, add_incident

TOLERANCE_S = 300


def verify(secret: str, received: Received, now: float) -> bool:
    """What a subscriber does with a request: recompute the signature over `t.body`, compare
    it in constant time, refuse a stale timestamp."""
    fields = dict(
        part.split("=", 1) for part in received.headers["x-incident-signature"].split(",")
    )
    stamp = int(fields["t"])
    signed = fields["t"].encode() + b"." + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(now - stamp) <= TOLERANCE_S


async def test_events_are_signed_retried_with_one_id_and_hold_no_contact_details(
    core: Core, clock: ManualClock, receiver: WebhookReceiver, loop: DeliveryLoop, tmp_path: Path
):
    issued = await subscribers.add_webhook(
        core, "ศูนย์ ปภ. เขต 8", receiver.url, ["filed", "closed"], CLI_ACTOR, allow_http=True
    )
    reference = await add_incident(
        core.db,
        Spec(description="นายสมชาย ใจดี บาดเจ็บ โทร 0812345678", injured=1),
        clock.now(),
        tmp_path,
    )
    await record(core, reference, EventKind.FILED)
    await record(core, reference, EventKind.ACKNOWLEDGED)  # not asked for
    receiver.answer_next(503)

    await loop.run_once()  # filed: 503
    clock.advance(timedelta(minutes=10))
    await loop.run_once()  # filed again: 200
    await record(core, reference, EventKind.CLOSED)
    await loop.run_once()

    got = receiver.received
    assert [r.answered for r in got] == [503, 200, 200]
    assert all(verify(issued.credential, r, time.time()) for r in got)
    assert not verify("whsec_another-secret", got[0], time.time())
    tampered = Received(
        got[0].body.replace(b"incident.filed", b"incident.closed"), got[0].headers, 0
    )
    assert not verify(issued.credential, tampered, time.time())
    first, again, closed = (json.loads(r.body) for r in got)
    assert got[0].body == got[1].body
    assert first["id"] == again["id"] == got[0].headers["x-incident-delivery"]
    assert closed["id"] != first["id"]
    assert [first["type"], closed["type"]] == ["incident.filed", "incident.closed"]
    assert got[2].headers["x-incident-event"] == "incident.closed"
    assert got[0].headers["content-type"] == "application/json; charset=utf-8"
    assert first["data"]["reference"] == reference and first["data"]["injured"] == 1
    body = got[0].body.decode()
    async with core.reading() as session:
        incident = await session.scalar(select(Incident).where(Incident.reference == reference))
    assert incident is not None
    for secret in ("สมชาย", "0812345678", incident.reporter_phone, incident.reporter_name):
        assert secret not in body
    assert [row.status for row in await webhook_rows(core)] == [DeliveryStatus.SENT] * 2


async def test_drills_and_revoked_subscribers_send_nothing(
    core: Core, clock: ManualClock, receiver: WebhookReceiver, loop: DeliveryLoop, tmp_path: Path
):
    issued = await subscribers.add_webhook(core, "สื่อ", receiver.url, [], CLI_ACTOR, allow_http=True)
    drill_reference = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    async with core.unit() as uow:
        drill = Drill(
            province_id=core.province_id,
            title="ซ้อมแผน",
            started_at=uow.now,
            ends_at=uow.now + timedelta(hours=1),
            status=DrillStatus.RUNNING,
        )
        uow.session.add(drill)
        await uow.session.flush()
        found = await uow.session.scalar(
            select(Incident).where(Incident.reference == drill_reference)
        )
        assert found is not None
        found.drill_id = drill.id
    await record(core, drill_reference, EventKind.FILED)
    assert await webhook_rows(core) == []

    real = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    await record(core, real, EventKind.FILED)
    await subscribers.revoke(core, issued.subscriber_id, CLI_ACTOR)
    await loop.run_once()

    assert receiver.received == []
    assert [row.status for row in await webhook_rows(core)] == [DeliveryStatus.SKIPPED]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, OutcomeKind.SENT),
        (204, OutcomeKind.SENT),
        (429, OutcomeKind.RETRY_AFTER),
        (408, OutcomeKind.TRANSIENT),
        (502, OutcomeKind.TRANSIENT),
        (410, OutcomeKind.UNREACHABLE),
        (400, OutcomeKind.REFUSED),
        (301, OutcomeKind.REFUSED),
    ],
)
async def test_a_receivers_answer_decides_what_the_outbox_does(
    core: Core, receiver: WebhookReceiver, status: int, kind: OutcomeKind
):
    await subscribers.add_webhook(core, "ระบบ", receiver.url, [], CLI_ACTOR, allow_http=True)
    receiver.answer_next(status)
    call = WebhookCall(receiver.url, "whsec_x", "incident.filed", b"{}")
    async with WebhookSender() as sender:
        outcome = await sender.send_to(
            "1", Rendered(Method.WEBHOOK, webhook=call), retry_key="k", reply_token=""
        )
    assert outcome.kind is kind


async def test_an_address_that_does_not_answer_is_retried(core: Core):
    call = WebhookCall("http://127.0.0.1:9/", "whsec_x", "incident.filed", b"{}")
    async with WebhookSender() as sender:
        outcome = await sender.send_to(
            "1", Rendered(Method.WEBHOOK, webhook=call), retry_key="k", reply_token=""
        )
    assert outcome.kind is OutcomeKind.TRANSIENT


@pytest.mark.parametrize(
    ("url", "allow_http"),
    [
        ("http://receiver.example.go.th/hook", False),
        ("ftp://receiver.example.go.th/hook", True),
        ("https://user:pw@receiver.example.go.th/hook", False),
        ("/hook", False),
    ],
)
async def test_a_bad_address_is_refused_with_why(core: Core, url: str, allow_http: bool):
    with pytest.raises(subscribers.SubscriberError):
        await subscribers.add_webhook(core, "ระบบ", url, [], CLI_ACTOR, allow_http=allow_http)


async def test_an_unknown_event_is_refused(core: Core):
    with pytest.raises(subscribers.SubscriberError, match="choose from"):
        await subscribers.add_webhook(
            core, "ระบบ", "https://r.example/hook", ["deleted"], CLI_ACTOR, allow_http=False
        )


async def test_a_receiver_that_answers_gone_fails_and_the_admins_are_told(
    core: Core, clock: ManualClock, receiver: WebhookReceiver, loop: DeliveryLoop, tmp_path: Path
):
    await subscribers.add_webhook(core, "ห้องข่าว", receiver.url, [], CLI_ACTOR, allow_http=True)
    reference = await add_incident(core.db, Spec(), clock.now(), tmp_path)
    await record(core, reference, EventKind.FILED)
    await record(core, reference, EventKind.ACKNOWLEDGED)
    receiver.answer_next(410)

    await loop.run_once()
    await loop.run_once()
    await record(core, reference, EventKind.CLOSED)  # revoked by now: not even queued

    assert len(receiver.received) == 1
    statuses = [row.status for row in await webhook_rows(core)]
    assert statuses == [DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]
    (listed,) = await subscribers.listing(core)
    assert listed.revoked_at is not None
    notices = [
        m.params.text.plain()
        for m in await queued(core, DeliveryKind.MESSAGE)
        if m.chat_id == JOINED["ADMIN1"]
    ]
    assert len(notices) == 1 and "ระบบรับข้อมูลของ ห้องข่าว" in notices[0]


async def test_a_receiver_that_never_answers_holds_one_attempt_only_so_long(monkeypatch):
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(30)  # never answers
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(webhook_sender, "DEADLINE_S", 0.3)
    call = WebhookCall(f"http://127.0.0.1:{port}/", "whsec_x", "incident.filed", b"{}")
    try:
        async with WebhookSender() as sender:
            rendered = Rendered(Method.WEBHOOK, webhook=call)
            outcome = await asyncio.wait_for(
                sender.send_to("1", rendered, retry_key="k", reply_token=""), 10
            )
    finally:
        server.close()
    assert outcome.kind is OutcomeKind.TRANSIENT

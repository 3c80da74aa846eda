"""An outbox row's params: typed, stored as JSON, and rows written before still read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from incidents.actions import (
    AcknowledgeInstruction,
    AnswerRequest,
    Button,
    ThreadAction,
    ThreadVerb,
)
from incidents.outbox import params as outbox_params
from incidents.outbox import queue as outbox
from incidents.outbox.params import DeliveryParams
from incidents.outbox.render import Method, Renderer
from incidents.text.rich import Text, b, link
from storage.db import Database
from storage.models import Delivery, DeliveryKind, DeliveryStatus

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
CHAT = 2001


def _old_row(params: dict[str, object]) -> Delivery:
    """A MESSAGE row as the code before typed params wrote it."""
    return Delivery(
        kind=DeliveryKind.MESSAGE,
        status=DeliveryStatus.PENDING,
        chat_id=CHAT,
        params=params,
        attempts=0,
        next_attempt_at=NOW,
        created_at=NOW,
    )


async def test_a_row_queued_before_the_upgrade_goes_out_with_working_buttons(db: Database):
    async with db.write() as session:
        session.add(
            _old_row(
                {
                    "text": "<b>คำสั่งการ</b> ตรวจสอบพื้นที่",
                    "buttons": [
                        [{"label": "รับทราบคำสั่งการ", "data": "i|7"}],
                        [{"label": "ตอบ", "data": "q|3"}, {"label": "เปิดอีก", "data": "t|5|reopen"}],
                    ],
                }
            )
        )
    async with db.read() as session:
        row = await session.scalar(select(Delivery))
        assert row is not None
        rendered = await Renderer(UTC).render(session, row)

    assert rendered is not None and rendered.method is Method.TEXT
    assert rendered.text == Text(b("คำสั่งการ"), " ตรวจสอบพื้นที่")
    assert rendered.buttons == (
        (Button(label="รับทราบคำสั่งการ", action=AcknowledgeInstruction(instruction_id=7)),),
        (
            Button(label="ตอบ", action=AnswerRequest(request_id=3)),
            Button(label="เปิดอีก", action=ThreadAction(incident_id=5, verb=ThreadVerb.REOPEN)),
        ),
    )
    assert outbox_params.read(row).request_id() == 3


def test_old_shapes_without_buttons_read_as_they_were_written():
    assert outbox_params.read(_old_row({"location": [16.44, 100.35]})).location == (16.44, 100.35)
    reminder = outbox_params.read(_old_row({"round": 2, "minutes": 31}))
    assert (reminder.reminder_round, reminder.minutes) == (2, 31)
    assert outbox_params.read(_old_row({"intro": "<b>ยกระดับ</b>"})).intro == Text(b("ยกระดับ"))
    assert outbox_params.read(_old_row({"attachment_id": 9})).attachment_id == 9
    assert outbox_params.read(_old_row({})) == DeliveryParams()


async def test_texts_and_buttons_are_stored_as_core_values_never_as_telegram_markup(
    db: Database,
):
    action = AcknowledgeInstruction(instruction_id=12)
    async with db.write() as session:
        outbox.enqueue(
            session,
            DeliveryKind.MESSAGE,
            CHAT,
            NOW,
            params=DeliveryParams(
                text=Text(b("สั่งการ"), " <ด่วน>"),
                buttons=((Button(label="รับทราบ", action=action),),),
            ),
        )
    async with db.read() as session:
        row = await session.scalar(select(Delivery))
        assert row is not None

    assert row.params == {
        "text": [["สั่งการ", "bold"], [" <ด่วน>", "plain"]],
        "buttons": [
            [
                {
                    "label": "รับทราบ",
                    "action": {"kind": "instruction.ack", "instruction_id": 12},
                    "url": None,
                }
            ]
        ],
    }
    assert outbox_params.read(row).buttons[0][0].action == action
    assert outbox_params.read(row).text == Text(b("สั่งการ"), " <ด่วน>")


def test_old_html_texts_read_with_their_styles_and_entities():
    old = _old_row({"text": '📰 <b>ความคืบหน้า</b> &lt;ด่วน&gt; <a href="https://x.test/a">เว็บ</a>'})

    assert outbox_params.read(old).text == Text(
        "📰 ", b("ความคืบหน้า"), " <ด่วน> ", link("เว็บ", "https://x.test/a")
    )

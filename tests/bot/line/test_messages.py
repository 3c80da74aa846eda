"""Rendered deliveries as LINE messages, accepted by the fake."""

from __future__ import annotations

from bot.line import codec
from bot.line.messages import messages_of
from incidents.actions import AlertAction, AlertVerb, Button
from incidents.outbox.delivery import OutcomeKind
from incidents.outbox.render import Method, Rendered
from incidents.text.rich import Text, b

ACK = AlertAction(incident_id=9, verb=AlertVerb.ACKNOWLEDGE)


async def test_text_without_buttons_is_a_text_message(line, sender):
    officer = line.add_user("สมชาย")

    messages = messages_of(Rendered(Method.TEXT, text=Text(b("ข่าว"), " น้ำลดแล้ว")))
    outcome = await sender.send(officer.user_id, messages, retry_key=None)

    [sent] = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT
    assert (sent.message["type"], sent.message["text"]) == ("text", "ข่าว น้ำลดแล้ว")


async def test_a_reminder_s_button_is_a_flex_postback_that_decodes(line, sender, receiver):
    officer = line.add_user("ผู้ว่าฯ")
    rendered = Rendered(
        Method.TEXT,
        text=Text("🔔 เตือนครั้งที่ 1"),
        buttons=((Button(label="✅ รับทราบ", action=ACK),),),
    )

    outcome = await sender.send(officer.user_id, messages_of(rendered), retry_key=None)
    [sent] = line.sent_messages(officer.user_id)
    pressed = line.press_button(officer, sent, label="✅ รับทราบ")

    assert outcome.kind is OutcomeKind.SENT and sent.message["altText"] == "🔔 เตือนครั้งที่ 1"
    assert codec.decode(pressed.event["postback"]["data"]) == ACK


async def test_a_location_is_a_location_message(line, sender):
    officer = line.add_user("สมชาย")

    rendered = Rendered(Method.LOCATION, latitude=18.79, longitude=98.98)
    outcome = await sender.send(officer.user_id, messages_of(rendered), retry_key=None)

    [sent] = line.sent_messages(officer.user_id)
    assert outcome.kind is OutcomeKind.SENT and sent.message["type"] == "location"


def test_files_are_not_sendable_yet():
    assert messages_of(Rendered(Method.PHOTO, file_id="telegram-file")) is None

"""The alert card: built from an incident, drawn as Flex, accepted by the fake's validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

from bot.line import codec
from bot.line.cards import ALT_TEXT_LIMIT, BUBBLE_BYTES, alert_message, size_of, text_message
from incidents.actions import AlertAction, AlertVerb
from incidents.outbox.card import alert_card
from incidents.text import drill as drill_text
from incidents.text.fitting import measure
from incidents.text.rich import Text, b, link
from storage.models import (
    Attachment,
    AttachmentKind,
    Category,
    District,
    Incident,
    Person,
    Urgency,
)

BANGKOK = timezone(timedelta(hours=7))
AT = datetime(2026, 11, 3, 2, 30, tzinfo=UTC)
LONG_THAI = "น้ำป่าไหลหลากเข้าท่วมบ้านเรือนราษฎรริมลำห้วย ถนนถูกตัดขาด " * 400


def _incident(**changes) -> Incident:
    values = {
        "id": 42,
        "reference": "ชม-2569-0042",
        "category": Category.FLOOD,
        "urgency": Urgency.MOST_URGENT,
        "ddpm_level": 2,
        "district": District(name_th="แม่ริม", name_en="Mae Rim", code="5007"),
        "place": "บ้านโป่งแยง หมู่ 3",
        "latitude": 18.9,
        "longitude": 98.8,
        "occurred_at": AT,
        "created_at": AT + timedelta(minutes=5),
        "description": "น้ำท่วมสูง 1 เมตร",
        "dead": 0,
        "injured": 3,
        "missing": None,
        "affected_households": 120,
        "damage_note": "สะพานขาด 1 แห่ง",
        "reporter_name": "สมชาย ใจดี",
        "reporter_position": "ปลัดอำเภอ",
        "reporter_phone": "081-234-5678",
        "agency_name": "ที่ว่าการอำเภอแม่ริม",
        "attachments": [
            Attachment(kind=AttachmentKind.PHOTO),
            Attachment(kind=AttachmentKind.PHOTO),
        ],
        "drill_id": None,
        "acknowledged_at": None,
        "acknowledged_by": None,
    }
    values.update(changes)
    return Incident(**values)


def test_the_card_keeps_unknown_figures_apart_from_zero_and_carries_the_buttons():
    card = alert_card(_incident(), BANGKOK, "https://incidents.example.go.th/")

    dead, _, missing, _ = card.figures
    assert (dead.known, dead.text) == (True, "0")
    assert (missing.known, missing.text) == (False, "ยังไม่ทราบ")
    assert card.colour == "red" and card.photos == 2 and card.location
    assert "2569" in card.occurred  # Buddhist era
    assert card.web_url == "https://incidents.example.go.th/incidents/ชม-2569-0042"
    assert [button.action for button in card.buttons[:3]] == [
        AlertAction(incident_id=42, verb=verb) for verb in AlertVerb
    ]


def test_an_acknowledged_card_has_no_acknowledge_button():
    boss = Person(name="ผวจ.", position="ผู้ว่าราชการจังหวัด")
    card = alert_card(_incident(acknowledged_at=AT, acknowledged_by=boss), BANGKOK)

    assert card.acknowledged and "รับทราบแล้วโดย ผวจ." in card.status
    assert [button.action.verb for button in card.buttons] == [
        AlertVerb.INSTRUCT,
        AlertVerb.REQUEST_INFO,
    ]


def test_the_alt_text_leads_with_urgency_category_and_district():
    card = alert_card(_incident(description=LONG_THAI), BANGKOK)

    message = alert_message(card)

    assert message.alt_text.startswith("🔴 ด่วนที่สุด · อุทกภัย · ระดับ 2 ขนาดกลาง · อ.แม่ริม")
    assert measure(message.alt_text) <= ALT_TEXT_LIMIT


async def test_the_full_card_with_a_long_thai_description_is_accepted(line, sender):
    officer = line.add_user("ผู้ว่าฯ")
    card = alert_card(_incident(description=LONG_THAI, drill_id=1), BANGKOK, "https://x.go.th")
    message = alert_message(card)
    bubble = message.to_dict()["contents"]

    outcome = await sender.send(officer.user_id, [message], retry_key=None)

    assert outcome.kind.value == "sent", outcome.error
    [sent] = line.sent_messages(officer.user_id)
    assert sent.message["type"] == "flex"
    assert size_of(bubble) <= BUBBLE_BYTES
    shown = str(bubble)
    assert drill_text.MARK in shown and "(อ่านต่อในเว็บ)" in shown
    assert f"https://x.go.th/incidents/{quote('ชม-2569-0042')}" in shown


async def test_a_pressed_card_button_decodes_to_the_core_action(line, sender, receiver):
    officer = line.add_user("ผู้ว่าฯ")
    await sender.send(
        officer.user_id, [alert_message(alert_card(_incident(), BANGKOK))], retry_key=None
    )
    [sent] = line.sent_messages(officer.user_id)

    pressed = line.press_button(officer, sent, label="✅ รับทราบ")

    data = pressed.event["postback"]["data"]
    assert codec.decode(data) == AlertAction(incident_id=42, verb=AlertVerb.ACKNOWLEDGE)


async def test_text_loses_its_styles_and_keeps_links_as_text(line, sender):
    officer = line.add_user("สมชาย")
    text = Text(b("ด่วน"), " ดูที่ ", link("เว็บ", "https://x.go.th/a"), " ", "ก" * 6000)

    message = text_message(text)
    outcome = await sender.send(officer.user_id, [message], retry_key=None)

    assert message.text.startswith("ด่วน ดูที่ เว็บ (https://x.go.th/a) ก")
    assert measure(message.text) <= 5000
    assert outcome.kind.value == "sent"


async def test_the_description_is_cut_to_keep_the_bubble_under_30_kb(line, sender, monkeypatch):
    monkeypatch.setattr("bot.line.cards.DESCRIPTION_LIMIT", 20_000)  # only the size limits
    officer = line.add_user("ผู้ว่าฯ")
    card = alert_card(_incident(description=LONG_THAI), BANGKOK, "https://x.go.th")
    assert len(card.description.encode()) > BUBBLE_BYTES

    message = alert_message(card)
    outcome = await sender.send(officer.user_id, [message], retry_key=None)

    bubble = message.to_dict()["contents"]
    assert 0.8 * BUBBLE_BYTES < size_of(bubble) <= BUBBLE_BYTES  # cut, not emptied
    assert outcome.kind.value == "sent", outcome.error


async def test_the_photos_go_across_the_card_and_open_the_web_page(line, sender):
    officer = line.add_user("ผู้ว่าฯ")
    photos = tuple(f"https://x.go.th/photos/{n}/1796000000/" + "ab" * 16 for n in (1, 2, 3))
    card = alert_card(_incident(), BANGKOK, "https://x.go.th", photos)
    message = alert_message(card)

    outcome = await sender.send(officer.user_id, [message], retry_key=None)

    assert outcome.kind.value == "sent", outcome.error
    [sent] = line.sent_messages(officer.user_id)
    bubble = sent.message["contents"]
    assert list(bubble) == ["type", "header", "hero", "body", "footer"]
    hero = bubble["hero"]
    web = f"https://x.go.th/incidents/{quote('ชม-2569-0042')}"
    assert (hero["type"], hero["url"], hero["size"]) == ("image", photos[0], "full")
    assert hero["action"]["uri"] == web
    row = bubble["body"]["contents"][0]
    assert [image["url"] for image in row["contents"]] == list(photos[1:])
    assert all(image["action"]["uri"] == web for image in row["contents"])
    # Without an address there is no image; the card still counts the photos.
    plain = alert_message(alert_card(_incident(), BANGKOK)).to_dict()["contents"]
    assert "hero" not in plain and "รูปภาพ 2 รูป" in str(plain)

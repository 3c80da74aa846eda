"""The sandbox's LINE phones over the fake LINE Platform: the chat as the page draws it (text
bubbles, a Flex card as the bot sent it), and what the phone's user does reaching the
platform as that LINE user: a postback, a text quoting the card. Both kinds of phones behind
one `Phones`, a person once per channel they are on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.sandbox.line_phones import LinePhones
from bot.sandbox.people import LINE_ONLY, LINE_TOO, SandboxPerson, sample_people
from bot.sandbox.phones import SandboxPhones
from bot.sandbox.switchboard import Switchboard
from incidents import provinces
from simulator.line import FakeLinePlatform, LineUser
from simulator.telegram import FakeBotAPI

TZ = ZoneInfo("Asia/Bangkok")
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TOKEN = "c2FuZGJveC1saW5lLXBob25lcy10ZXN0LWNoYW5uZWwtYWNjZXNzLWxvb3BiYWNr"
ACK_DATA = '1{"kind":"alert","incident_id":1,"verb":"ack"}'
CARD = {
    "type": "bubble",
    "header": {
        "type": "box",
        "layout": "vertical",
        "backgroundColor": "#C62828",
        "contents": [{"type": "text", "text": "🔴 ด่วนที่สุด", "color": "#FFFFFF"}],
    },
    "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "อุทกภัย"}]},
    "footer": {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {
                "type": "button",
                "style": "primary",
                "action": {
                    "type": "postback",
                    "label": "✅ รับทราบ",
                    "data": ACK_DATA,
                    "displayText": "✅ รับทราบ",
                },
            }
        ],
    },
}


@pytest.fixture
def line() -> Iterator[FakeLinePlatform]:
    with FakeLinePlatform(TOKEN, SECRET) as platform:
        yield platform


@pytest.fixture
def people() -> list[SandboxPerson]:
    return sample_people("phichit")


@pytest.fixture
def phones(line: FakeLinePlatform, people: list[SandboxPerson]) -> LinePhones:
    return LinePhones(line, people, TZ)


def _deputy_on_line_only(people: list[SandboxPerson]) -> SandboxPerson:
    return next(p for p in people if p.row.roster_id in LINE_ONLY)


def _push(line: FakeLinePlatform, user: LineUser, *messages: dict[str, Any]) -> None:
    answer = httpx.post(
        f"{line.api_url}/v2/bot/message/push",
        json={"to": user.user_id, "messages": list(messages)},
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def test_a_person_is_listed_once_for_each_channel_they_are_on(
    line: FakeLinePlatform, people: list[SandboxPerson], phones: LinePhones
):
    with FakeBotAPI(flood_limits=None) as api:
        telegram = SandboxPhones(api, people, provinces.load("phichit"), TZ)
        owners = Switchboard(telegram, phones, people).people()
    assert len(owners) == 31  # 30 people; one of them on both channels
    by_channel: dict[str, list[str]] = {}
    for owner in owners:
        by_channel.setdefault(owner.channel, []).append(owner.name)
    names = {p.row.roster_id: p.row.name for p in people}
    assert sorted(by_channel["line"]) == sorted(names[r] for r in LINE_ONLY | LINE_TOO)
    assert all(names[r] not in by_channel["telegram"] for r in LINE_ONLY)
    assert all(names[r] in by_channel["telegram"] for r in LINE_TOO)
    # In the roster's order: a person's two phones side by side.
    both = [i for i, owner in enumerate(owners) if owner.name in {names[r] for r in LINE_TOO}]
    assert both[1] == both[0] + 1
    assert len({owner.user_id for owner in owners}) == 31


async def test_the_card_is_drawn_from_its_json_and_its_button_pressed(
    line: FakeLinePlatform, people: list[SandboxPerson], phones: LinePhones
):
    deputy = _deputy_on_line_only(people)
    assert deputy.line_phone is not None
    phone = deputy.line_phone
    user = phones.add_user(phone)
    assert phones.view(phone)["messages"] == []
    _push(
        line,
        user,
        {"type": "text", "text": "ผูกบัญชี LINE เรียบร้อยแล้ว"},
        {"type": "flex", "altText": "🔴 ด่วนที่สุด · อุทกภัย", "contents": CARD},
    )
    view = phones.view(phone)
    welcome, card = view["messages"]
    assert (welcome["from"], welcome["text"], "flex" in welcome) == (
        "bot",
        "ผูกบัญชี LINE เรียบร้อยแล้ว",
        False,
    )
    assert card["flex"] == CARD  # as the bot sent it: the page draws header colour, rows, buttons
    assert card["text"] == "🔴 ด่วนที่สุด · อุทกภัย"
    assert card["id"] < 2**53  # exact in the page's script, unlike LINE's 18-digit ids

    await phones.press(phone, card["id"], ACK_DATA)
    event = line.events()[-1]
    assert event["type"] == "postback" and event["postback"]["data"] == ACK_DATA
    assert event["source"]["userId"] == user.user_id
    pressed = phones.view(phone)
    assert pressed["seq"] > view["seq"]
    assert pressed["messages"][-1]["from"] == "me"
    assert pressed["messages"][-1]["text"] == "✅ รับทราบ"  # LINE shows the display text

    # A button the card does not have is not pressed.
    await phones.press(phone, card["id"], '1{"kind":"alert","incident_id":2,"verb":"ack"}')
    assert line.events()[-1] == event


async def test_a_text_quoting_the_card_reaches_line_with_the_quoted_id(
    line: FakeLinePlatform, people: list[SandboxPerson], phones: LinePhones
):
    phone = _deputy_on_line_only(people).line_phone
    assert phone is not None
    user = phones.add_user(phone)
    _push(line, user, {"type": "flex", "altText": "🔴 ด่วนที่สุด · อุทกภัย", "contents": CARD})
    [card] = phones.view(phone)["messages"]
    [sent] = line.sent_messages(user.user_id)

    await phones.send_text(phone, "ให้อพยพประชาชนริมน้ำทันที", reply_to=card["id"])
    event = line.events()[-1]
    assert event["message"]["text"] == "ให้อพยพประชาชนริมน้ำทันที"
    assert event["message"]["quotedMessageId"] == sent.message_id
    _push(line, user, {"type": "text", "text": "ส่งข้อสั่งการแล้ว"})

    messages = phones.view(phone)["messages"]
    assert [m["from"] for m in messages] == ["bot", "me", "bot"]  # in the order it happened
    assert messages[1]["reply_to"] == {"id": card["id"], "text": "🔴 ด่วนที่สุด · อุทกภัย"}


async def test_waiting_ends_with_news_or_at_the_timeout(
    line: FakeLinePlatform, people: list[SandboxPerson], phones: LinePhones
):
    phone = _deputy_on_line_only(people).line_phone
    assert phone is not None
    user = phones.add_user(phone)
    assert await phones.wait(phone, 0, 0.3) == 0
    _push(line, user, {"type": "text", "text": "สวัสดี"})
    assert await phones.wait(phone, 0, 5) == 1

"""The sandbox's `Phones` over the simulator: chats as the web log's pages want them, and
what a person does reaching the bot as that simulated user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.sandbox.people import SandboxPerson, sample_people
from bot.sandbox.phones import SandboxPhones
from incidents import provinces
from incidents.text import sandbox as texts
from simulator.telegram import FakeBotAPI

TZ = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(flood_limits=None) as running:
        yield running


@pytest.fixture
def people() -> list[SandboxPerson]:
    return sample_people("phichit")


@pytest.fixture
def phones(api: FakeBotAPI, people: list[SandboxPerson]) -> SandboxPhones:
    for person in people:
        api.add_user(person.user_id, person.row.name)
    return SandboxPhones(api, people, provinces.load("phichit"), TZ)


def _bot(api: FakeBotAPI, method: str, **params: Any) -> Any:
    answer = httpx.post(f"{api.base_url}{api.token}/{method}", json=params, timeout=10).json()
    assert answer["ok"], answer
    return answer["result"]


def test_the_chooser_groups_the_sample_roster_by_who_they_are(phones: SandboxPhones):
    by_name = {owner.name: owner for owner in phones.people()}
    assert len(by_name) == 29  # the whole roster but the Deputy Governor on LINE only
    assert by_name["นายสมมติ ตัวอย่างดี"].role == texts.ROLE_GOVERNOR
    assert by_name["นายทดลอง ใจสมมติ"].role == texts.ROLE_DEPUTY
    assert by_name["นางทดสอบ ระบบดี"].role == texts.ROLE_ADMIN
    assert by_name["นายสมมติ เมืองดี"].role == texts.ROLE_DISTRICT_CHIEF
    assert by_name["นายสมมติ เมืองดี"].unit == "ที่ว่าการอำเภอเมืองพิจิตร"
    # Reporting makes the office's head an agency head, though they also administer.
    assert by_name["นายตัวอย่าง บริหารดี"].role == texts.ROLE_AGENCY_HEAD
    assert len({owner.user_id for owner in phones.people()}) == 29
    assert {owner.channel for owner in phones.people()} == {"telegram"}


async def test_a_bot_message_as_the_phone_shows_it(
    api: FakeBotAPI, phones: SandboxPhones, people: list[SandboxPerson]
):
    user = people[0].user_id
    keyboard = [
        [{"text": "รับทราบ", "callback_data": "ack:1"}],
        [{"text": "เปิดในเว็บ", "url": "http://127.0.0.1:8080/incidents"}],
    ]
    sent = _bot(
        api,
        "sendMessage",
        chat_id=user,
        text="🚨 <b>เหตุด่วน</b> อุทกภัย",
        parse_mode="HTML",
        reply_markup={"inline_keyboard": keyboard},
    )
    view = phones.view(user)
    [message] = view["messages"]
    assert message["id"] == sent["message_id"]
    assert message["from"] == "bot"
    assert message["text"] == "🚨 เหตุด่วน อุทกภัย"
    assert message["entities"] == [{"type": "bold", "offset": 3, "length": 8}]
    assert message["buttons"] == [
        [{"text": "รับทราบ", "data": "ack:1"}],
        [{"text": "เปิดในเว็บ", "url": "http://127.0.0.1:8080/incidents"}],
    ]
    assert message["at"].endswith("+07:00")
    assert view["keyboard"] is None and view["popup"] is None


async def test_a_press_reaches_the_bot_and_its_popup_is_kept_with_its_place(
    api: FakeBotAPI, phones: SandboxPhones, people: list[SandboxPerson]
):
    user = people[0].user_id
    markup = {"inline_keyboard": [[{"text": "รับทราบ", "callback_data": "ack:1"}]]}
    sent = _bot(api, "sendMessage", chat_id=user, text="เหตุด่วน", reply_markup=markup)
    seq = phones.view(user)["seq"]
    await phones.press(user, sent["message_id"], "ack:1")
    query = api.pending_updates()[-1]["callback_query"]
    assert query["data"] == "ack:1" and query["from"]["id"] == user
    _bot(api, "answerCallbackQuery", callback_query_id=query["id"], text="รับทราบแล้ว ขอบคุณ")
    assert await phones.wait(user, seq, timeout=5) > seq
    popup = phones.view(user)["popup"]
    assert popup is not None and popup["seq"] > seq
    assert (popup["text"], popup["alert"]) == ("รับทราบแล้ว ขอบคุณ", False)
    # A change right after it (the pressed alert edited) leaves it for the page to show once.
    _bot(api, "sendMessage", chat_id=user, text="ข้อสั่งการ")
    assert phones.view(user)["popup"] == popup


async def test_text_samples_and_places_are_sent_as_the_person(
    api: FakeBotAPI, phones: SandboxPhones, people: list[SandboxPerson]
):
    user, other = people[10].user_id, people[0].user_id
    first = _bot(api, "sendMessage", chat_id=user, text="พิมพ์สถานที่เกิดเหตุ")
    await phones.send_text(user, "บ้านวังหลุม", reply_to=first["message_id"])
    for sample in phones.samples():
        await phones.send_sample(user, sample.key)
    await phones.share_location(user, "6604")
    _, text, photo, document, location = phones.view(user)["messages"]
    assert text["from"] == "me" and text["text"] == "บ้านวังหลุม"
    assert text["reply_to"] == {"id": first["message_id"], "text": "พิมพ์สถานที่เกิดเหตุ"}
    assert photo["photo"] is not None
    assert phones.file(user, photo["photo"]) is not None
    assert phones.file(user, photo["photo"])[1] == "image/png"  # type: ignore[index]
    assert document["document"] is not None and document["document"]["name"].endswith(".pdf")
    content, kind = phones.file(user, document["document"]["file_id"]) or (b"", "")
    assert content.startswith(b"%PDF") and kind == "application/pdf"
    seat = next(place for place in phones.places() if place.key == "6604")
    assert location["location"] == {"latitude": seat.latitude, "longitude": seat.longitude}
    assert phones.file(other, photo["photo"]) is None  # not in that person's chat
    assert [u["message"]["from"]["id"] for u in api.pending_updates()] == [user] * 4


async def test_waiting_ends_at_the_timeout_without_a_change(
    phones: SandboxPhones, people: list[SandboxPerson]
):
    user = people[0].user_id
    seq = phones.view(user)["seq"]
    assert await phones.wait(user, seq, timeout=0.2) == seq

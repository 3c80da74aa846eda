"""A LINE phone on the sandbox's pages, over an in-test `Phones` with one person on LINE: the
chooser and the phone say which app it is, the phone offers what LINE does (no reply keyboard,
no attachments), its chat carries the Flex card as sent, and its postback data may be as long
as LINE allows."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence

import httpx
import pytest

from tests.web.conftest import HTML, Site
from tests.web.phones_fake import FakePhones, _message
from tests.web.test_sandbox import ORIGIN, csrf
from web.app import create_app
from web.phones import PhoneOwner

DEPUTY = 7004
CARD = {
    "type": "bubble",
    "header": {
        "type": "box",
        "layout": "vertical",
        "backgroundColor": "#C62828",
        "contents": [{"type": "text", "text": "🔴 ด่วนที่สุด", "color": "#FFFFFF"}],
    },
    "footer": {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {
                "type": "button",
                "action": {"type": "postback", "label": "✅ รับทราบ", "data": "1" + "x" * 299},
            }
        ],
    },
}


class LineFakePhones(FakePhones):
    """The in-test phones with a Deputy Governor on LINE, whose chat holds an alert card."""

    def __init__(self) -> None:
        super().__init__()
        self.seq[DEPUTY], self.changed[DEPUTY] = 1, asyncio.Event()
        self.keyboard[DEPUTY], self.popup[DEPUTY] = None, None
        self.chats[DEPUTY] = [_message(20, "bot", "🔴 ด่วนที่สุด · อุทกภัย", flex=CARD)]

    def people(self) -> Sequence[PhoneOwner]:
        deputy = PhoneOwner(DEPUTY, "รองผู้ว่าราชการจังหวัด", "ผู้บริหาร", "จังหวัด", "line")
        return [*super().people(), deputy]


@pytest.fixture
async def browser(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(site.core, phones=LineFakePhones())
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
        yield client


async def test_the_chooser_and_the_phone_say_it_is_line(browser: httpx.AsyncClient):
    chooser = await browser.get("/sandbox", headers=HTML)
    assert '<em class="channel channel-line">LINE</em>' in chooser.text
    page = await browser.get(f"/sandbox/phones?who={DEPUTY}", headers=HTML)
    assert page.status_code == 200
    assert f'data-user="{DEPUTY}" data-channel="line"' in page.text
    assert '<section class="phone line active"' in page.text
    assert "บัญชีทางการ LINE ของจังหวัด" in page.text
    # LINE has no reply keyboard, and its executives attach nothing here.
    assert 'class="keyboard"' not in page.text and 'class="attach"' not in page.text
    assert 'class="composer"' in page.text


async def test_the_card_is_in_the_chat_as_sent(browser: httpx.AsyncClient):
    view = (await browser.get(f"/sandbox/api/chat/{DEPUTY}")).json()
    [card] = view["messages"]
    assert card["flex"] == CARD


async def test_postback_data_may_be_as_long_as_line_allows(browser: httpx.AsyncClient):
    headers = {**(await csrf(browser)), "content-type": "application/json"}
    data = CARD["footer"]["contents"][0]["action"]["data"]  # type: ignore[index]
    body = {"user_id": DEPUTY, "message_id": 20, "data": data}
    pressed = await browser.post("/sandbox/api/press", content=json.dumps(body), headers=headers)
    assert pressed.status_code == 204
    body["data"] = data + "x"
    refused = await browser.post("/sandbox/api/press", content=json.dumps(body), headers=headers)
    assert refused.status_code == 400

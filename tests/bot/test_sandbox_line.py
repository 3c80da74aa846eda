"""`incident-bot sandbox` with LINE on: the fake LINE Platform started beside the simulated
Telegram, the program configured with it and its webhook, the executives with a LINE phone
bound at start. Through the phones' API alone: the Deputy Governor on LINE only has the card of
a filed report, acknowledges it with its รับทราบ button (the Telegram copies say so, the other
LINE recipient is told), and instructs by quoting the card (the reporter receives it)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox.people import LINE_ONLY, LINE_TOO, SandboxPerson, sample_people
from tests.support.sandbox import RunningSandbox, sandbox

pytestmark = pytest.mark.slow

REFERENCE = "PCT-2569-0001"  # the first sample report: a flood, most urgent
ACK = "✅ รับทราบ"
INSTRUCTION = "ให้ประสานเรือท้องแบนอพยพผู้สูงอายุก่อน"
Message = dict[str, Any]


async def _chat(client: httpx.AsyncClient, phone: int) -> list[Message]:
    answer = await client.get(f"/sandbox/api/chat/{phone}")
    assert answer.status_code == 200, answer.text
    messages: list[Message] = answer.json()["messages"]
    return messages


async def _until(
    client: httpx.AsyncClient, phone: int, found: Callable[[Message], bool], timeout: float = 30
) -> Message:
    """The first message of the phone's chat that `found` picks, once there is one."""
    async with asyncio.timeout(timeout):
        while True:
            for message in await _chat(client, phone):
                if found(message):
                    return message
            await asyncio.sleep(0.2)


def _the(people: list[SandboxPerson], roster_id: str) -> SandboxPerson:
    return next(person for person in people if person.row.roster_id == roster_id)


def _postback(card: Message, label: str) -> str:
    footer = card["flex"]["footer"]["contents"]
    [data] = [b["action"]["data"] for b in footer if b["action"].get("label") == label]
    return str(data)


async def _post(running: RunningSandbox, client: httpx.AsyncClient, action: str, body: Any) -> None:
    page = await client.get(f"/sandbox/phones?who={body['user_id']}")
    token = re.search(r'name="sandbox-csrf" content="([^"]+)"', page.text)
    assert token is not None
    headers = {
        "x-csrf-token": token.group(1),
        "origin": running.url,
        "content-type": "application/json",
    }
    sent = await client.post(f"/sandbox/api/{action}", content=json.dumps(body), headers=headers)
    assert sent.status_code == 204, sent.text


async def test_a_line_phone_gets_the_card_and_acknowledges_it(tmp_path: Path, database_url: str):
    people = sample_people("phichit")
    [deputy_id], [both_id] = sorted(LINE_ONLY), sorted(LINE_TOO)
    deputy, both = _the(people, deputy_id), _the(people, both_id)
    governor, reporter = _the(people, "GOV"), _the(people, "D6604")
    assert deputy.line_phone is not None and both.line_phone is not None
    url = database_url if not database_url.startswith("sqlite") else ""
    with sandbox(tmp_path, url) as running:
        async with httpx.AsyncClient(base_url=running.url, timeout=30) as client:
            chooser = (await client.get("/sandbox")).text
            phones = {int(v) for v in re.findall(r'name="who" value="(\d+)"', chooser)}
            assert {deputy.line_phone, both.line_phone} <= phones
            assert deputy.user_id not in phones  # on LINE only: no Telegram phone
            assert both.user_id in phones

            # Bound at start: the greeting once the account was added, the code typed into
            # LINE, then the welcome (which may still be on its way).
            welcome = await _until(
                client,
                deputy.line_phone,
                lambda m: m["from"] == "bot" and "ผูกบัญชี LINE กับทะเบียนผู้ใช้งาน" in m["text"],
            )
            chat = await _chat(client, deputy.line_phone)
            assert chat[0]["from"] == "bot" and chat[0] != welcome
            assert any(m["from"] == "me" for m in chat)

            card = await _until(
                client,
                deputy.line_phone,
                lambda m: "flex" in m and REFERENCE in json.dumps(m["flex"], ensure_ascii=False),
            )
            assert card["text"].startswith("🔴")  # the altText leads with the urgency
            assert card["flex"]["header"]["backgroundColor"] == "#C62828"

            data = _postback(card, ACK)
            body = {"user_id": deputy.line_phone, "message_id": card["id"], "data": data}
            await _post(running, client, "press", body)
            phone = deputy.line_phone
            await _until(client, phone, lambda m: m["from"] == "me" and m["text"] == ACK)
            await _until(client, phone, lambda m: m["from"] == "bot" and "รับทราบแล้ว" in m["text"])
            acknowledged = f"รับทราบแล้วโดย {deputy.row.name}"
            await _until(
                client,
                governor.user_id,
                lambda m: REFERENCE in m["text"] and acknowledged in m["text"],
            )
            notice = "รับทราบเหตุ"
            await _until(
                client,
                both.line_phone,
                lambda m: "flex" not in m and notice in m["text"] and deputy.row.name in m["text"],
            )

            text = {"user_id": deputy.line_phone, "text": INSTRUCTION, "reply_to": card["id"]}
            await _post(running, client, "text", text)
            mine = await _until(
                client, deputy.line_phone, lambda m: m["from"] == "me" and m["text"] == INSTRUCTION
            )
            assert mine["reply_to"]["id"] == card["id"]
            await _until(client, reporter.user_id, lambda m: INSTRUCTION in m["text"])
        running.stop()  # how fast is test_sandbox_program's to check

"""`incident-bot sandbox`, the real entry point as a subprocess: everyone joined, sample
incidents in the web log, every link of its pages answering, /web signing in to the sandbox's
own web log, the live token and data left alone, and SIGTERM stopping it within seconds."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from bot.sandbox.people import sample_people
from tests.support.sandbox import RunningSandbox, sandbox

pytestmark = pytest.mark.slow

LINK_RE = re.compile(r'(?:href|src)="([^"#]+)"')
LIVE_TOKEN = "123456789:AAEliveTokenThatTheSandboxMustNeverUse0"


def _links(page: str, base: str) -> set[str]:
    found = {urljoin(base + "/", link) for link in LINK_RE.findall(page)}
    return {link for link in found if link.startswith(base)}


async def _chat(client: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    answer = await client.get(f"/sandbox/api/chat/{user_id}")
    assert answer.status_code == 200
    chat: dict[str, Any] = answer.json()
    return chat


async def _sign_in_from_phone(
    client: httpx.AsyncClient, running: RunningSandbox, user_id: int, csrf: str
) -> None:
    before = len((await _chat(client, user_id))["messages"])
    sent = await client.post(
        "/sandbox/api/text",
        content=json.dumps({"user_id": user_id, "text": "/web"}),
        headers={"x-csrf-token": csrf, "origin": running.url, "content-type": "application/json"},
    )
    assert sent.status_code == 204, sent.text
    link = None
    for _ in range(100):
        messages = (await _chat(client, user_id))["messages"][before:]
        urls = [
            button["url"]
            for message in messages
            for row in message["buttons"]
            for button in row
            if "url" in button
        ]
        urls += re.findall(r"http://\S+/login/\S+", " ".join(m["text"] for m in messages))
        if urls:
            link = urls[0]
            break
        await asyncio.sleep(0.1)
    assert link is not None, "no sign-in link came"
    assert link.startswith(f"{running.url}/login/"), link  # the sandbox's own web log
    confirm = await client.get(link)
    form_csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert form_csrf is not None, confirm.text
    token = urlsplit(link).path.rsplit("/", 1)[1]
    signed_in = await client.post("/login", data={"token": token, "csrf": form_csrf.group(1)})
    assert signed_in.status_code in (200, 303), signed_in.status_code


async def test_the_sandbox_runs_the_product_and_stops_on_sigterm(tmp_path: Path, database_url: str):
    live = tmp_path / "live"
    with sandbox(
        tmp_path,
        database_url if not database_url.startswith("sqlite") else "",
        TELEGRAM_BOT_TOKEN=LIVE_TOKEN,
        DATA_DIR=str(live),
    ) as running:
        async with httpx.AsyncClient(base_url=running.url, timeout=30) as client:
            chooser = await client.get("/sandbox")
            assert chooser.status_code == 200
            assert "ไม่ได้เชื่อมต่อ Telegram" in chooser.text
            people = [int(v) for v in re.findall(r'name="who" value="(\d+)"', chooser.text)]
            # The whole sample roster, one on LINE only, one on both (tests/bot/test_sandbox_line)
            assert len(people) == 31
            on_line = {p.line_phone for p in sample_people("phichit")}
            for group in ("ผู้ว่าราชการจังหวัด", "รองผู้ว่าราชการจังหวัด", "นายอำเภอ", "ผู้ดูแลระบบ"):
                assert group in chooser.text

            # Everyone on Telegram joined through their own invitation code.
            for user_id in (p for p in people if p not in on_line):
                chat = await _chat(client, user_id)
                assert chat["messages"][0]["text"].startswith("/start ")
                assert any("ยินดีต้อนรับ" in m["text"] for m in chat["messages"])

            governor = people[0]
            phones = await client.get(f"/sandbox/phones?who={governor}&who={people[10]}")
            assert phones.status_code == 200
            csrf = re.search(r'name="sandbox-csrf" content="([^"]+)"', phones.text)
            assert csrf is not None
            # The sample reports reached the Governor as alerts, marked as samples.
            alerts = [
                m for m in (await _chat(client, governor))["messages"] if "[ตัวอย่าง]" in m["text"]
            ]
            assert len(alerts) >= 2

            await _sign_in_from_phone(client, running, governor, csrf.group(1))
            listing = await client.get("/incidents", headers={"accept": "text/html"})
            assert listing.status_code == 200
            references = set(re.findall(r"/incidents/(PCT-\d{4}-\d{4,})", listing.text))
            assert len(references) == 2
            assert listing.text.count("[ตัวอย่าง]") >= 2
            # Every link of the sandbox's pages answers (the web log's once signed in).
            for page in (chooser, phones, listing):
                for link in _links(page.text, running.url) - {f"{running.url}/logout"}:
                    answer = await client.get(link)
                    assert answer.status_code == 200, (link, answer.status_code)

        assert running.stop() < 5.0
        assert running.process.returncode == 0
    assert not live.exists()  # the live data folder was never touched
    assert LIVE_TOKEN not in running.output()


def test_a_restart_starts_a_clean_sandbox(tmp_path: Path):
    with sandbox(tmp_path) as first:
        first.stop()
    marker = tmp_path / "sandbox" / "leftover.txt"
    marker.write_text("from the first run")
    with sandbox(tmp_path) as second:
        assert httpx.get(f"{second.url}/sandbox", timeout=30).status_code == 200
        assert not marker.exists()
        second.stop()


def test_it_refuses_to_empty_a_folder_that_is_not_a_sandbox(tmp_path: Path):
    precious = tmp_path / "sandbox"
    precious.mkdir()
    (precious / "incidents.db").write_text("live data")
    with pytest.raises(AssertionError, match="not a sandbox folder"), sandbox(tmp_path):
        pass
    assert (precious / "incidents.db").read_text() == "live data"

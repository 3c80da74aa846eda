"""The sandbox's phone pages and their API, over an in-test `Phones`: pages carry the banner,
bodies are checked, CSRF is enforced, changes stream, files stay in their chat, and none of
it exists in live mode."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from incidents import provinces
from incidents.text.sandbox import BAD_BODY, BANNER, UNKNOWN_FILE, UNKNOWN_PERSON
from tests.web.conftest import HTML, Site
from tests.web.phones_fake import GOVERNOR, REPORTER, FakePhones
from web.app import CONTENT_SECURITY_POLICY, create_app
from web.phones import district_seats
from web.routes import sandbox_api

ORIGIN = "http://testserver"


@pytest.fixture
def phones() -> FakePhones:
    return FakePhones()


@pytest.fixture
async def browser(site: Site, phones: FakePhones) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the sandbox's web app."""
    app = create_app(site.core, phones=phones)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
        yield client


async def csrf(browser: httpx.AsyncClient) -> dict[str, str]:
    """The headers the phones' script sends: the page's token, from this site."""
    page = await browser.get(f"/sandbox/phones?who={REPORTER}", headers=HTML)
    found = re.search(r'<meta name="sandbox-csrf" content="([^"]+)">', page.text)
    assert found, page.text
    return {"x-csrf-token": found.group(1), "origin": ORIGIN}


async def test_the_chooser_explains_the_rehearsal_and_lists_everyone(browser: httpx.AsyncClient):
    page = await browser.get("/sandbox", headers=HTML)
    assert page.status_code == 200
    assert BANNER in page.text
    assert "ไม่ได้เชื่อมต่อกับ Telegram และ LINE จริง" in page.text
    assert f'name="who" value="{GOVERNOR}"' in page.text
    assert "&lt;b&gt;ทดสอบ&lt;/b&gt;" in page.text and "<b>ทดสอบ" not in page.text
    assert "<legend>ผู้บริหาร</legend>" in page.text


async def test_every_page_of_the_web_log_carries_the_banner_in_the_sandbox(
    browser: httpx.AsyncClient, site: Site
):
    for path in ["/login", "/incidents", "/login/no-such-link"]:
        page = await browser.get(path, headers=HTML)
        assert BANNER in page.text, path
    login = await browser.get("/login", headers=HTML)
    assert '<a href="/sandbox">' in login.text  # back to the phones from the web log
    live = await site.anonymous().get("/login", headers=HTML)
    assert BANNER not in live.text and "sandbox-banner" not in live.text


async def test_the_sandbox_opens_on_the_chooser_and_live_on_the_list(
    browser: httpx.AsyncClient, site: Site
):
    assert (await browser.get("/")).headers["location"] == "/sandbox"
    assert (await site.anonymous().get("/")).headers["location"] == "/situation"


async def test_the_phones_page_holds_the_chosen_phones_its_token_and_script(
    browser: httpx.AsyncClient,
):
    page = await browser.get(f"/sandbox/phones?who={REPORTER}&who={GOVERNOR}", headers=HTML)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert BANNER in page.text
    assert page.text.count('<section class="phone') == 2
    assert f'data-show="{GOVERNOR}"' in page.text  # the switcher for phone-width screens
    assert '<script type="module" src="/static/sandbox.js"></script>' in page.text
    assert "<script>" not in page.text  # nothing inline: the CSP allows only this site's files
    assert 'data-t-edited="แก้ไขแล้ว"' in page.text
    assert "ที่ว่าการอำเภอตะพานหิน" in page.text and "ภาพน้ำท่วมถนน" in page.text
    for name in ["sandbox.js", "sandbox-text.js", "sandbox-flex.js"]:
        script = await browser.get(f"/static/{name}")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert not re.search(
            r"\.(innerHTML|outerHTML|insertAdjacentHTML)|document\.write", script.text
        )


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("who=12345", 404, UNKNOWN_PERSON),
        ("who=abc", 404, UNKNOWN_PERSON),
        ("", 400, "กรุณาเลือกอย่างน้อยหนึ่งคน"),
    ],
)
async def test_the_phones_page_refuses_people_it_does_not_have(
    browser: httpx.AsyncClient, query: str, status: int, text: str
):
    page = await browser.get(f"/sandbox/phones?{query}", headers=HTML)
    assert page.status_code == status
    assert text in page.text and BANNER in page.text


async def test_a_chat_is_read_as_json_and_an_unknown_person_is_404_in_thai(
    browser: httpx.AsyncClient,
):
    chat = await browser.get(f"/sandbox/api/chat/{GOVERNOR}")
    assert chat.status_code == 200
    view = chat.json()
    assert view["seq"] == 1 and view["keyboard"] == [["แจ้งเหตุ"]]
    assert view["messages"][0]["buttons"][0] == [{"text": "รับทราบ", "data": "ack:1"}]
    missing = await browser.get("/sandbox/api/chat/999")
    assert (missing.status_code, missing.text) == (404, UNKNOWN_PERSON)
    assert (await browser.get("/sandbox/api/chat/x")).status_code == 404


async def test_what_a_person_does_reaches_the_phones(
    browser: httpx.AsyncClient, phones: FakePhones
):
    headers = await csrf(browser)
    calls = [
        ("text", {"user_id": REPORTER, "text": "/start", "reply_to": None}),
        ("text", {"user_id": REPORTER, "text": "ตอบกลับ", "reply_to": 10}),
        ("press", {"user_id": GOVERNOR, "message_id": 10, "data": "ack:1"}),
        ("sample", {"user_id": REPORTER, "sample": "flood"}),
        ("location", {"user_id": REPORTER, "place": "6604"}),
    ]
    for action, body in calls:
        answer = await browser.post(f"/sandbox/api/{action}", json=body, headers=headers)
        assert answer.status_code == 204, (action, answer.text)
    assert phones.done == [
        ("text", REPORTER, "/start", None),
        ("text", REPORTER, "ตอบกลับ", 10),
        ("press", GOVERNOR, 10, "ack:1"),
        ("sample", REPORTER, "flood", None),
        ("location", REPORTER, "6604"),
    ]


async def test_a_post_without_the_token_or_from_elsewhere_is_refused(
    browser: httpx.AsyncClient, phones: FakePhones
):
    headers = await csrf(browser)
    body = {"user_id": REPORTER, "text": "สวัสดี"}
    refusals = [
        {"origin": ORIGIN},
        {"origin": ORIGIN, "x-csrf-token": "guessed"},
        {**headers, "origin": "http://evil.example"},
    ]
    for refused in refusals:
        answer = await browser.post("/sandbox/api/text", json=body, headers=refused)
        assert answer.status_code == 403, refused
        assert "ไม่ผ่านการตรวจสอบความปลอดภัย" in answer.text
    assert phones.done == []


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("text", {"user_id": REPORTER}),
        ("text", {"user_id": str(REPORTER), "text": "x"}),
        ("text", {"user_id": REPORTER, "text": ""}),
        ("text", {"user_id": REPORTER, "text": "   "}),
        ("text", {"user_id": REPORTER, "text": "ก" * 4097}),
        ("text", {"user_id": REPORTER, "text": "x", "admin": True}),
        ("press", {"user_id": REPORTER, "message_id": 10, "data": "x" * 65}),
        ("press", {"user_id": REPORTER, "message_id": "10", "data": "ack"}),
        ("sample", {"user_id": REPORTER, "sample": "no-such-sample"}),
        ("location", {"user_id": REPORTER, "place": "9999"}),
        ("location", {"user_id": REPORTER}),
    ],
)
async def test_a_bad_body_is_400_in_thai(
    browser: httpx.AsyncClient, phones: FakePhones, action: str, body: dict[str, Any]
):
    answer = await browser.post(f"/sandbox/api/{action}", json=body, headers=await csrf(browser))
    assert answer.status_code == 400
    assert re.search(r"[\u0e00-\u0e7f]", answer.text) and "Traceback" not in answer.text
    assert phones.done == []


async def test_a_body_too_large_is_refused_unread(browser: httpx.AsyncClient, phones: FakePhones):
    headers = await csrf(browser)
    body = json.dumps({"user_id": REPORTER, "text": "x", "pad": "x" * 70_000}).encode()
    answer = await browser.post("/sandbox/api/text", content=body, headers=headers)
    assert (answer.status_code, answer.text) == (400, BAD_BODY)
    assert phones.done == []


async def test_a_body_that_is_not_json_or_names_a_stranger_is_refused_in_thai(
    browser: httpx.AsyncClient,
):
    headers = await csrf(browser)
    garbled = await browser.post("/sandbox/api/text", content=b"{not json", headers=headers)
    assert (garbled.status_code, garbled.text) == (400, BAD_BODY)
    stranger = await browser.post(
        "/sandbox/api/text", json={"user_id": 999, "text": "x"}, headers=headers
    )
    assert (stranger.status_code, stranger.text) == (404, UNKNOWN_PERSON)


async def _read_stream(
    app: Any, path: str, query: bytes, chunks: list[str], quiet: asyncio.Event | None = None
) -> None:
    """Drive the app as a server would until the first change arrives (then the browser
    leaves); `quiet` is set at the first heartbeat."""
    disconnect = asyncio.Event()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            chunks.append(dict(message["headers"])[b"content-type"].decode())
        elif message.get("body"):
            chunks.append(message["body"].decode())
            if quiet is not None and chunks[-1].startswith(":"):
                quiet.set()
            if chunks[-1].startswith("data:"):
                disconnect.set()

    await app(scope, receive, send)


async def test_changes_stream_as_server_sent_events_with_heartbeats_between(
    site: Site, phones: FakePhones, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sandbox_api, "HEARTBEAT_S", 0.05)
    app = create_app(site.core, phones=phones)
    chunks: list[str] = []
    quiet = asyncio.Event()
    reading = asyncio.create_task(
        _read_stream(app, f"/sandbox/api/events/{GOVERNOR}", b"after=1", chunks, quiet)
    )
    await asyncio.wait_for(quiet.wait(), 5)
    phones.change(GOVERNOR)
    await asyncio.wait_for(reading, 5)
    assert chunks[0].startswith("text/event-stream")
    assert chunks[1] == ": heartbeat\n\n"
    assert chunks[-1] == f"data: {json.dumps({'seq': 2})}\n\n"


async def test_a_stream_behind_the_chat_hears_at_once(site: Site, phones: FakePhones):
    chunks: list[str] = []
    app = create_app(site.core, phones=phones)
    phones.change(REPORTER)
    phones.changed[REPORTER].clear()
    await asyncio.wait_for(
        _read_stream(app, f"/sandbox/api/events/{REPORTER}", b"after=0", chunks), 5
    )
    assert chunks[1:] == ['data: {"seq": 2}\n\n']


async def test_a_stream_for_a_stranger_or_a_bad_after_is_refused(browser: httpx.AsyncClient):
    stranger = await browser.get("/sandbox/api/events/999?after=0")
    assert (stranger.status_code, stranger.text) == (404, UNKNOWN_PERSON)
    bad = await browser.get(f"/sandbox/api/events/{REPORTER}?after=-1")
    assert (bad.status_code, bad.text) == (400, BAD_BODY)


async def test_a_file_is_served_only_into_its_own_chat(browser: httpx.AsyncClient):
    photo = await browser.get(f"/sandbox/api/file/{REPORTER}/photo-1")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    assert photo.content.startswith(b"\x89PNG")
    other = await browser.get(f"/sandbox/api/file/{GOVERNOR}/photo-1")
    assert (other.status_code, other.text) == (404, UNKNOWN_FILE)
    document = await browser.get(f"/sandbox/api/file/{GOVERNOR}/doc-1")
    assert document.headers["content-disposition"] == "attachment"
    assert document.headers["content-type"] == "application/octet-stream"
    stranger = await browser.get("/sandbox/api/file/999/photo-1")
    assert (stranger.status_code, stranger.text) == (404, UNKNOWN_PERSON)


async def test_the_sandbox_policy_adds_only_its_own_script_and_connections(
    browser: httpx.AsyncClient, site: Site
):
    sandboxed = (await browser.get("/sandbox", headers=HTML)).headers
    live = (await site.anonymous().get("/login", headers=HTML)).headers
    assert live["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in live["content-security-policy"]
    assert sandboxed["content-security-policy"] == (
        CONTENT_SECURITY_POLICY + "; script-src 'self'; connect-src 'self'"
    )
    others = {k: v for k, v in sandboxed.items() if k in live and k != "content-security-policy"}
    assert others["x-frame-options"] == live["x-frame-options"] == "DENY"
    assert others["referrer-policy"] == live["referrer-policy"]


async def test_live_mode_has_no_sandbox_routes(site: Site):
    live = site.anonymous()
    for path in [
        "/sandbox",
        "/sandbox/phones?who=1",
        "/sandbox/api/chat/1",
        "/sandbox/api/events/1",
        "/sandbox/api/file/1/x",
    ]:
        assert (await live.get(path)).status_code == 404, path
    posted = await live.post("/sandbox/api/text", json={"user_id": 1, "text": "x"})
    assert posted.status_code == 404


def test_every_district_seat_is_offered_inside_the_province():
    province = provinces.load("phichit")
    seats = district_seats(province)
    assert [seat.key for seat in seats] == [d.code for d in province.districts]
    assert all(province.bounds.contains(s.latitude, s.longitude) for s in seats)
    assert seats[3].name == "ที่ว่าการอำเภอตะพานหิน"

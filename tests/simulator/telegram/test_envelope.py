"""The Bot API's envelope and limits over raw HTTP, and webhooks recorded."""

from __future__ import annotations

import httpx

from simulator.telegram import FakeBotAPI, make_png
from tests.simulator.telegram.conftest import REPORTER


async def test_results_and_errors_are_enveloped(api: FakeBotAPI, http: httpx.AsyncClient) -> None:
    me = await http.get("getMe")
    assert me.json()["ok"] is True and me.json()["result"]["is_bot"] is True
    unknown = await http.post("sendTelepathy", json={})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    bad = await http.post("sendMessage", json={"chat_id": 1, "text": "x"})
    assert bad.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }
    async with httpx.AsyncClient() as other:
        wrong = await other.get(f"{api.base_url}1:wrongSecret/getMe")
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")


async def test_text_and_caption_limits_count_after_entity_parsing(
    http: httpx.AsyncClient,
) -> None:
    async def send(text: str) -> int:
        body = {"chat_id": REPORTER, "text": text, "parse_mode": "HTML"}
        return (await http.post("sendMessage", json=body)).status_code

    assert await send("<b>" + "ก" * 4096 + "</b>") == 200  # tags do not count
    assert await send("ก" * 4097) == 400
    picture = {"photo": ("p.png", make_png(), "image/png")}
    ok = await http.post(
        "sendPhoto", data={"chat_id": REPORTER, "caption": "ภ" * 1024}, files=picture
    )
    long = await http.post(
        "sendPhoto", data={"chat_id": REPORTER, "caption": "ภ" * 1025}, files=picture
    )
    assert ok.status_code == 200
    assert long.json()["description"] == "Bad Request: message caption is too long"


async def test_webhook_calls_are_recorded(api: FakeBotAPI, http: httpx.AsyncClient) -> None:
    url = "http://127.0.0.1:9/telegram/webhook"
    assert (await http.post("setWebhook", json={"url": url, "secret_token": "s3"})).json()["result"]
    info = (await http.get("getWebhookInfo")).json()["result"]
    assert (info["url"], info["pending_update_count"]) == (url, 0)
    conflict = await http.post("getUpdates", json={})
    assert conflict.status_code == 409
    assert (await http.post("deleteWebhook", json={})).json() == {"ok": True, "result": True}
    assert (await http.get("getWebhookInfo")).json()["result"]["url"] == ""
    assert [c.method for c in api.calls() if "ebhook" in c.method] == [
        "setWebhook",
        "getWebhookInfo",
        "deleteWebhook",
        "getWebhookInfo",
    ]
    assert api.calls("setWebhook")[0].params["secret_token"] == "s3"


async def test_edits_take_inline_keyboards_only(http: httpx.AsyncClient) -> None:
    sent = (await http.post("sendMessage", json={"chat_id": REPORTER, "text": "เดิม"})).json()
    edit = {
        "chat_id": REPORTER,
        "message_id": sent["result"]["message_id"],
        "text": "ใหม่",
        "reply_markup": {"keyboard": [["น้ำท่วม"]]},
    }
    refused = await http.post("editMessageText", json=edit)
    assert refused.json()["description"] == "Bad Request: inline keyboard expected"
    edit["reply_markup"] = {"inline_keyboard": [[{"text": "ดู", "callback_data": "see"}]]}
    assert (await http.post("editMessageText", json=edit)).status_code == 200

"""What tests lean on: waits, dumps, restarts, the /_test/ API, the command line."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from telegram import (
    Bot,
)
from telegram.error import (
    NetworkError,
)

from simulator.telegram import FakeBotAPI
from tests.simulator.telegram.conftest import ROOT, USER_ID, keyboard


async def test_waits_time_out_with_a_dump(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER_ID, "something else")
    with pytest.raises(AssertionError) as caught:
        await api.wait_for_message(USER_ID, lambda m: m.text == "never", timeout=0.05)
    assert "'something else'" in str(caught.value)
    mark = api.mark()
    await bot.send_message(USER_ID, "new")
    assert (await api.wait_for_message(USER_ID, since=mark)).text == "new"
    call = await api.wait_for_call("sendmessage", since=mark)
    assert call.ok and call.result["text"] == "new"
    await api.wait_idle(quiet=0.02, timeout=2)

    api.reset()
    assert api.calls() == [] and api.sent_messages() == []
    assert api.user(USER_ID).first_name == "Somchai"  # users survive reset
    injected = api.inject_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    )
    assert api.pending_updates()[0]["update_id"] == injected.update_id


async def test_restart_keeps_state_and_port(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER_ID, "before the outage")
    port = api.port
    api.stop()  # Telegram unreachable
    with pytest.raises(NetworkError):
        await bot.send_message(USER_ID, "during the outage")
    api.start()
    assert api.port == port
    after = await bot.send_message(USER_ID, "after the outage")
    assert after.message_id == sent.message_id + 1
    assert [m.text for m in api.sent_messages(USER_ID)] == ["before the outage", "after the outage"]


async def test_manual_test_endpoints(api: FakeBotAPI, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=f"{api.url}/_test/", timeout=5) as client:
        user = await client.post("users", json={"user_id": 8001, "first_name": "Curl"})
        assert user.json()["result"]["id"] == 8001
        update = await client.post("send_text", json={"user_id": 8001, "text": "hi"})
        assert update.json()["result"]["message"]["text"] == "hi"
        message = (await bot.get_updates(timeout=0))[0].message
        assert message is not None
        await message.reply_text("hello curl", reply_markup=keyboard("go"))
        sent = (await client.get("sent", params={"chat_id": 8001})).json()["result"]
        assert [m["text"] for m in sent] == ["hello curl"]
        pressed = await client.post(
            "press_button",
            json={"user_id": 8001, "message_id": sent[0]["message_id"], "callback_data": "go"},
        )
        assert pressed.json()["result"]["callback_query_id"]
        assert (await client.get("nothing")).status_code == 404


@pytest.mark.parametrize("module", ["simulator.telegram", "tests.fakes.bot_api"])
def test_command_line_entry_point(module: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.get(f"{url}/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/getMe")
        assert answer.json()["result"]["is_bot"] is True
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "RuntimeWarning" not in stderr

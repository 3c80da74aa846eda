"""The change feed a page streams from: changes_since, waits from any loop, watch."""

from __future__ import annotations

import asyncio
import threading

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from simulator.telegram import Change, FakeBotAPI
from tests.simulator.telegram.conftest import GOVERNOR, REPORTER


def kinds(changes: list[Change]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.kind) for c in changes]


async def test_every_visible_change_is_logged_in_order(api: FakeBotAPI, bot: Bot) -> None:
    start = api.last_seq
    pressed = api.send_text(REPORTER, "แจ้งเหตุ")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ยืนยัน", callback_data="ok")]])
    sent = await bot.send_message(REPORTER, "ยืนยันไหม", reply_markup=keyboard)
    query = api.press_button(REPORTER, sent.message_id, "ok")
    await bot.answer_callback_query(query, "ส่งแล้ว")
    await bot.edit_message_text("ส่งแล้ว", REPORTER, sent.message_id)
    await bot.delete_message(REPORTER, pressed.message_id)
    await bot.send_message(GOVERNOR, "เหตุใหม่")
    changes = api.changes_since(start)
    assert kinds(changes) == [
        (REPORTER, "message"),
        (REPORTER, "message"),
        (REPORTER, "popup"),
        (REPORTER, "edit"),
        (REPORTER, "delete"),
        (GOVERNOR, "message"),
    ]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert changes[2].query_id == query and changes[2].message_id == sent.message_id
    assert kinds(api.changes_since(start, GOVERNOR)) == [(GOVERNOR, "message")]
    assert api.changes_since(changes[-1].seq) == []
    assert api.chat_view(REPORTER).seq >= changes[-2].seq  # a view says where it stands


async def test_a_wait_wakes_when_the_bot_sends(api: FakeBotAPI, bot: Bot) -> None:
    since = api.last_seq
    waiting = asyncio.create_task(api.wait_for_changes(since, REPORTER, timeout=5))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await bot.send_message(GOVERNOR, "ไม่ใช่ห้องนี้")
    await asyncio.sleep(0.05)
    assert not waiting.done()  # another chat's change does not answer
    await bot.send_message(REPORTER, "ถึงคุณ")
    [change] = await asyncio.wait_for(waiting, 2)
    assert (change.chat_id, change.kind) == (REPORTER, "message")


async def test_a_wait_answers_nothing_when_time_runs_out(api: FakeBotAPI) -> None:
    assert await api.wait_for_changes(api.last_seq, timeout=0.05) == []


async def test_changes_from_another_thread_wake_a_watcher(api: FakeBotAPI) -> None:
    since = api.last_seq
    seen: list[Change] = []

    async def follow() -> None:
        async for change in api.watch(since, REPORTER):
            seen.append(change)
            if len(seen) == 2:
                return

    following = asyncio.create_task(follow())
    await asyncio.sleep(0.05)
    thread = threading.Thread(target=lambda: [api.send_text(REPORTER, t) for t in ("หนึ่ง", "สอง")])
    thread.start()
    thread.join()
    await asyncio.wait_for(following, 2)
    assert [c.kind for c in seen] == ["message", "message"]
    assert not api._watchers  # the watcher left with the loop of the async for


async def test_view_and_changes_over_http(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(REPORTER, "<b>สวัสดี</b>", parse_mode="HTML")
    async with httpx.AsyncClient(base_url=f"{api.url}/_test/") as http:
        view = (await http.get("view", params={"chat_id": REPORTER})).json()["result"]
        changes = (await http.get("changes", params={"since": 0})).json()["result"]
    assert view["messages"][0]["html"] == "<b>สวัสดี</b>"
    assert [c["kind"] for c in changes] == ["message"]

"""Updates into the durable inbox: long polling that confirms only what is committed, a webhook
that answers 200 only after the commit, and updates left by a killed process handled after the
restart."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from telegram import Bot

from bot.intake.polling import Poller
from bot.settings import Settings, SettingsError, load_settings
from incidents.inbox import store
from incidents.inbox.store import Arrival
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock
from tests.support.harness import Harness, running

WELCOME = "ยินดีต้อนรับเข้าสู่ระบบรายงานเหตุการณ์"
SECRET = "s3cret-token_for-tests"


def start_update(update_id: int, user_id: int, code: str, when: int) -> dict[str, Any]:
    """A private /start message as Telegram sends it."""
    text = f"/start {code}"
    person = {"id": user_id, "is_bot": False, "first_name": "ทดสอบ"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 7,
            "date": when,
            "chat": {"id": user_id, "type": "private", "first_name": "ทดสอบ"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def inbox_rows(settings: Settings) -> list[InboxUpdate]:
    db = Database(settings.resolved_database_url)
    try:
        async with db.read() as session:
            return list((await session.scalars(select(InboxUpdate))).all())
    finally:
        await db.dispose()


async def test_an_update_stored_before_a_kill_is_handled_after_the_restart(
    bot: Harness, settings: Settings
):
    user = bot.api.add_user(5101, "ทดสอบ")
    code = await bot.invite("D6604")
    await bot.stop()
    # The process committed the update (so Telegram was told it arrived) and died before
    # handling it: only the inbox has it now.
    db = Database(settings.resolved_database_url)
    try:
        async with db.write() as session:
            payload = start_update(880001, user.id, code, int(bot.clock.now().timestamp()))
            await store.store(
                session,
                [Arrival("telegram", "880001", f"tg:user:{user.id}", payload)],
                bot.clock.now(),
            )
    finally:
        await db.dispose()
    mark = bot.api.mark()

    await bot.start()
    reply = await bot.api.wait_for_message(user.id, since=mark)

    assert WELCOME in reply.text
    assert (await bot.person("D6604")).telegram_user_id == user.id
    handled = [r for r in await inbox_rows(settings) if r.external_id == "880001"]
    assert [r.status for r in handled] == [InboxStatus.DONE]


class FlakyIntake:
    """An intake whose first commit fails, as a database outage would."""

    def __init__(self) -> None:
        self.calls = 0
        self.stored: list[Arrival] = []

    async def receive(self, arrivals: list[Arrival]) -> int:
        self.calls += 1
        if self.calls == 1:
            raise OSError("database unreachable")
        self.stored.extend(arrivals)
        return len(arrivals)


async def test_the_offset_moves_only_past_updates_the_inbox_committed(fake_api: FakeBotAPI):
    user = fake_api.add_user(5102, "ทดสอบ")
    sent = fake_api.send_text(user, "สวัสดี")
    intake = FlakyIntake()
    async with Bot(TEST_TOKEN, base_url=fake_api.base_url) as telegram_bot:
        poller = Poller(telegram_bot, intake, timeout=0)  # type: ignore[arg-type]
        with pytest.raises(OSError, match="unreachable"):
            await poller.poll_once()
        unconfirmed_after_failure = [u["update_id"] for u in fake_api.pending_updates()]
        await poller.poll_once()  # the same update again, committed this time
        await poller.poll_once()  # asking past it is what confirms it

    update_id = sent.update["update_id"]
    assert unconfirmed_after_failure == [update_id]
    assert [a.external_id for a in intake.stored] == [str(update_id)]
    assert poller.offset == update_id + 1
    assert fake_api.pending_updates() == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def webhook_settings(settings: Settings) -> Settings:
    port = free_port()
    settings.web_port = port
    settings.telegram_webhook_url = f"http://127.0.0.1:{port}/telegram/webhook"
    settings.telegram_webhook_secret = type(settings.telegram_webhook_secret)(SECRET)
    return settings


async def test_in_webhook_mode_updates_arrive_by_post_and_strangers_posts_are_refused(
    fake_api: FakeBotAPI, webhook_settings: Settings, clock: ManualClock
):
    async with running(fake_api, webhook_settings, clock) as bot:
        await bot.import_roster()
        set_call = await fake_api.wait_for_call("setWebhook")
        user = fake_api.add_user(5103, "ทดสอบ")
        reply = await bot.say(user, f"/start {await bot.invite('D6604')}")
        url = webhook_settings.telegram_webhook_url
        forged = start_update(990001, 5104, "XXXX", 0)
        async with httpx.AsyncClient() as client:
            no_secret = await client.post(url, json=forged)
            wrong_secret = await client.post(
                url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            too_big = await client.post(
                url,
                content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            not_an_update = await client.post(
                url, content=b"[1, 2]", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            by_get = await client.get(url)

    assert set_call.params["url"] == url
    assert set_call.params["secret_token"] == SECRET
    assert sorted(set_call.params["allowed_updates"]) == ["callback_query", "message"]
    assert WELCOME in reply.text
    assert fake_api.calls("getUpdates") == []
    assert (no_secret.status_code, wrong_secret.status_code) == (403, 403)
    assert too_big.status_code == 413
    assert not_an_update.status_code == 400
    assert by_get.status_code == 405
    stored = await inbox_rows(webhook_settings)
    assert "990001" not in {r.external_id for r in stored}
    assert all(r.status is InboxStatus.DONE for r in stored)


async def test_back_to_polling_the_webhook_is_deleted(
    fake_api: FakeBotAPI, webhook_settings: Settings, settings: Settings, clock: ManualClock
):
    async with running(fake_api, webhook_settings, clock):
        assert fake_api.webhook_url == webhook_settings.telegram_webhook_url
    settings.telegram_webhook_url = ""
    async with running(fake_api, settings, clock) as bot:
        await bot.import_roster()
        user = fake_api.add_user(5105, "ทดสอบ")
        reply = await bot.say(user, f"/start {await bot.invite('D6604')}")

    assert fake_api.calls("deleteWebhook")
    assert fake_api.webhook_url is None
    assert WELCOME in reply.text


async def test_webhook_mode_without_its_secret_does_not_start(settings: Settings):
    settings.telegram_webhook_url = "https://incident.example.go.th/telegram/webhook"
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        settings.require_webhook()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://incident.example.go.th/telegram/webhook", "https"),
        ("https://incident.example.go.th", "path"),
    ],
)
def test_a_webhook_address_telegram_would_not_post_to_is_refused(url: str, problem: str):
    with pytest.raises(SettingsError, match=problem):
        load_settings(_env_file=None, telegram_webhook_url=url)

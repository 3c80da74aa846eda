"""Run the sandbox: the simulated Telegram and the fake LINE Platform in threads of this
process, the real program against both, over a database and files of its own. The LINE
Platform posts its signed webhooks to the program's web log, as the real one would.

Every start is a clean sandbox: the phones' chats live in the simulator's memory, so a kept
database would hold people and incidents whose messages no phone shows. Its folder
(`data/sandbox` unless told) is emptied first, and a database given instead is emptied too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from bot.app import serve
from bot.link import StoppedError, TelegramApp, unless_stopped
from bot.runtime import Runtime
from bot.sandbox import seeding
from bot.sandbox.line_phones import LinePhones
from bot.sandbox.people import sample_people
from bot.sandbox.phones import SandboxPhones
from bot.sandbox.switchboard import Switchboard
from bot.settings import Settings, SettingsError, load_settings
from incidents import provinces
from incidents.text import sandbox as texts
from simulator.line import FakeLinePlatform
from simulator.telegram import FakeBotAPI
from storage import migrate
from storage.db import Database
from storage.models import Base

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path("data") / "sandbox"
# Left in the sandbox's folder, so that emptying it can never empty another folder.
MARKER = "SANDBOX-DATA-MAY-BE-DELETED"


@dataclass(frozen=True)
class SandboxOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = DEFAULT_DATA_DIR
    # A throwaway database instead of SQLite in `data_dir` (tests on PostgreSQL); emptied.
    database_url: str = ""


def _token() -> str:
    """A token of the real form, for this run only (hex: never reads as a placeholder)."""
    return f"{1_000_000_000 + secrets.randbelow(10**9)}:{secrets.token_hex(20)}"


@dataclass(frozen=True)
class LineCredentials:
    """The fake LINE channel's secret and access token, made for this run only. Hexadecimal,
    so that no random run can spell a placeholder's hint ("your", "token" …)."""

    secret: str
    token: str

    @classmethod
    def new(cls) -> LineCredentials:
        return cls(secrets.token_hex(16), secrets.token_hex(86))


def sandbox_settings(
    options: SandboxOptions, api: FakeBotAPI, line: FakeLinePlatform, keys: LineCredentials
) -> Settings:
    """The deployment's settings with everything live replaced: token, Bot API, LINE, data,
    web."""
    overrides: dict[str, Any] = {
        "telegram_bot_token": api.token,
        "telegram_api_base_url": api.base_url,
        "telegram_file_base_url": api.base_file_url,
        "telegram_bot_username": api.bot_username,
        "line_channel_secret": keys.secret,
        "line_channel_access_token": keys.token,
        "line_api_url": line.api_url,
        "line_data_url": line.data_url,
        "data_dir": options.data_dir,
        "database_url": options.database_url,
        "web_host": options.host,
        "web_port": options.port,
        # Sign-in links and the alerts' web buttons go to where the sandbox listens.
        "public_base_url": "",
        "war_room_chat_id": None,
        "escalation_roster_ids": [],
    }
    return load_settings(**overrides)


def empty_folder(folder: Path) -> None:
    """Remove the sandbox's folder (only one marked as the sandbox's), and mark it anew."""
    if folder.exists():
        if not (folder / MARKER).exists() and any(folder.iterdir()):
            raise SettingsError(
                f"{folder} is not empty and not a sandbox folder: choose another --data-dir"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("incident-bot sandbox: emptied at every start\n")


async def empty_database(url: str) -> None:
    """Bring a given database to head and delete every row."""
    db = Database(url)
    try:
        await migrate.upgrade(db)
        async with db.write() as session:
            for table in reversed(Base.metadata.sorted_tables):
                await session.execute(delete(table))
    finally:
        await db.dispose()


async def run_sandbox(
    options: SandboxOptions, stop: asyncio.Event, announce: Callable[[str], None]
) -> None:
    """Serve the sandbox until `stop` is set; `announce` the address once everyone joined."""
    await asyncio.to_thread(empty_folder, options.data_dir)
    if options.database_url:
        await empty_database(options.database_url)
    api = FakeBotAPI(token=_token(), bot_first_name=texts.BOT_NAME)
    keys = LineCredentials.new()
    line = FakeLinePlatform(keys.token, keys.secret)
    await asyncio.to_thread(api.start)
    try:
        await asyncio.to_thread(line.start)
        settings = sandbox_settings(options, api, line, keys)
        people = sample_people(settings.province)
        province = provinces.load(settings.province)
        line_phones = LinePhones(line, people, settings.tz)
        telegram_phones = SandboxPhones(api, people, province, settings.tz)
        phones = Switchboard(telegram_phones, line_phones, people)

        async def prepare(runtime: Runtime) -> None:
            # The channel's webhook URL, as the LINE Developers console would be given it.
            line.set_webhook(runtime.web_url + settings.line_webhook_path)
            api.disable_rate_limits()  # seeding is many people at once; phones are not
            await seeding.import_and_join(runtime.core, api, people)
            await seeding.join_on_line(runtime.core, line, line_phones, people, api.bot_username)
            await seeding.file_samples(api, people)
            api.enforce_rate_limits()

        async def ready(runtime: Runtime, _application: TelegramApp) -> None:
            with contextlib.suppress(StoppedError):
                await unless_stopped(stop, prepare(runtime))
            if not stop.is_set():
                announce(texts.STARTED.format(url=runtime.web_url))
                announce(texts.GO_LIVE)

        await serve(settings, stop, on_ready=ready, phones=phones)
    finally:
        await asyncio.to_thread(line.stop)
        await asyncio.to_thread(api.stop)

"""The web log inside the bot's process: its own port, off when asked, clean shutdown."""

from __future__ import annotations

import socket

import httpx
import pytest

from bot.settings import Settings, SettingsError, load_settings
from tests.fakes.bot_api import FakeBotAPI
from tests.support.clock import ManualClock
from tests.support.harness import running
from web.server import WebBindError, bind


async def test_the_bot_serves_the_web_log_on_a_free_port_and_stops_it(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
):
    async with running(fake_api, settings, clock) as bot:
        url = bot.runtime.web_url
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":8080")
        async with httpx.AsyncClient(base_url=url) as client:
            login = await client.get("/login", headers={"accept": "text/html"})
            anonymous = await client.get("/incidents")
    assert login.status_code == 200
    assert "เข้าสู่ระบบ" in login.text
    assert anonymous.status_code == 401

    with pytest.raises(httpx.ConnectError):  # stopped with the bot
        async with httpx.AsyncClient(base_url=url) as client:
            await client.get("/login")


async def test_a_port_in_use_stops_the_start_with_one_line_naming_the_setting(
    fake_api: FakeBotAPI, settings: Settings, clock: ManualClock
):
    taken = bind("127.0.0.1", 0)
    try:
        settings.web_port = taken.getsockname()[1]
        with pytest.raises(
            SettingsError, match=r"^WEB_HOST/WEB_PORT: cannot listen on 127\.0\.0\.1"
        ):
            async with running(fake_api, settings, clock):
                pass
    finally:
        taken.close()


def test_binding_reports_the_address_it_could_not_use():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with pytest.raises(WebBindError, match=f"127.0.0.1:{port}"):
            bind("127.0.0.1", port)


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("off", None), ("0", 0), ("8081", 8081)]
)
def test_web_port_empty_or_off_turns_the_web_log_off(monkeypatch, value, expected):
    monkeypatch.setenv("WEB_PORT", value)
    assert load_settings(_env_file=None).web_port == expected


def test_web_settings_have_safe_defaults():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.web_host == "127.0.0.1"
    assert settings.web_port == 8080
    assert settings.public_base_url == ""
    assert settings.web_session_hours == 12


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://incident.phichit.go.th/", "https://incident.phichit.go.th"),
        ("http://10.0.0.5:8080/weblog", "http://10.0.0.5:8080/weblog"),
        ("incident.phichit.go.th", None),
        ("javascript:alert(1)", None),
    ],
)
def test_public_base_url_must_be_an_http_address(monkeypatch, value, ok):
    monkeypatch.setenv("PUBLIC_BASE_URL", value)
    if ok is None:
        with pytest.raises(SettingsError, match=r"^PUBLIC_BASE_URL"):
            load_settings(_env_file=None)
    else:
        assert load_settings(_env_file=None).public_base_url == ok

"""LINE's settings: both secrets or neither, no placeholders, a path of the web log."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError, load_settings

SECRET = "8c1f0e2d3b4a59687766a5b4c3d2e1f0"
TOKEN = "Qm9ndXMtbG9vcGJhY2stY2hhbm5lbC1hY2Nlc3MtZm9yLXRlc3RzLW9ubHk0Mg=="


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_without_either_secret_line_is_off_and_the_defaults_are_line_s_hosts():
    settings = make()

    assert settings.require_line() is None and not settings.line_enabled
    assert (settings.line_api_url, settings.line_data_url) == (
        "https://api.line.me",
        "https://api-data.line.me",
    )
    assert settings.line_webhook_path == "/line/webhook"


def test_both_secrets_turn_line_on():
    settings = make(line_channel_secret=SECRET, line_channel_access_token=TOKEN)

    assert settings.require_line() == (SECRET, TOKEN)
    assert "8c1f" not in repr(settings)


@pytest.mark.parametrize(
    ("secret", "token", "message"),
    [
        (SECRET, "", "LINE_CHANNEL_ACCESS_TOKEN is not set"),
        ("", TOKEN, "LINE_CHANNEL_SECRET is not set"),
        ("your-channel-secret", TOKEN, "LINE_CHANNEL_SECRET looks like a placeholder"),
        ("0" * 32, TOKEN, "LINE_CHANNEL_SECRET looks like a placeholder"),
        (SECRET, "changeme", "LINE_CHANNEL_ACCESS_TOKEN looks like a placeholder"),
        (SECRET, "<your channel access token here, from the console>", "placeholder"),
    ],
)
def test_one_secret_alone_or_a_placeholder_is_named(secret: str, token: str, message: str):
    settings = make(line_channel_secret=secret, line_channel_access_token=token)

    with pytest.raises(SettingsError, match=message):
        settings.require_line()


def test_line_needs_the_web_log_and_a_path_of_its_own():
    off = make(line_channel_secret=SECRET, line_channel_access_token=TOKEN, web_port="")
    same = make(
        line_channel_secret=SECRET,
        line_channel_access_token=TOKEN,
        telegram_webhook_url="https://incident.example.go.th/line/webhook",
    )

    with pytest.raises(SettingsError, match="WEB_PORT"):
        off.require_line()
    with pytest.raises(SettingsError, match="must differ"):
        same.require_line()


@pytest.mark.parametrize("path", ["line/webhook", "/", "/line webhook", "https://x.th/line"])
def test_a_webhook_path_that_is_not_a_path_is_refused(path: str):
    with pytest.raises(SettingsError, match="LINE_WEBHOOK_PATH"):
        load_settings(_env_file=None, line_webhook_path=path)

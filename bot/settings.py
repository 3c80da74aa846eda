"""Settings read from the environment and `.env` (every one is listed in `.env.example`)."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.models.enums import Urgency

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_LINE_API_URL = "https://api.line.me"
DEFAULT_LINE_DATA_URL = "https://api-data.line.me"
MIN_METRICS_TOKEN_CHARS = 16

# A real token is "<bot id>:<35 characters>"; anything else is a typo or a placeholder.
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
_WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_PLACEHOLDER_HINTS = ("changeme", "change-me", "your", "xxxx", "placeholder", "example", "token")
# A channel secret is 32 hexadecimal characters; a long-lived channel access token is a long
# base64-like string (about 170 characters).
_LINE_SECRET_RE = re.compile(r"[0-9a-f]{32}")
_LINE_TOKEN_RE = re.compile(r"[A-Za-z0-9+/=._-]{40,}")


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(hint in lowered for hint in _PLACEHOLDER_HINTS) or len(set(value)) < 4


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it in one line."""


class Settings(BaseSettings):
    """All run-time configuration of one deployment (one province)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    telegram_file_base_url: str = ""
    telegram_bot_username: str = ""
    # Webhook mode: the public HTTPS address Telegram posts updates to (its path is served by
    # the web log), and the secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token.
    # Empty URL: long polling (and any webhook set earlier is deleted at start).
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")
    # LINE (Messaging API channel of the province's Official Account): both or neither. The
    # secret verifies X-Line-Signature on every webhook post; the token authorizes our calls.
    line_channel_secret: SecretStr = SecretStr("")
    line_channel_access_token: SecretStr = SecretStr("")
    # The path of the web log that LINE posts webhook events to (set the full https address
    # in the LINE Developers console); the hosts are overridable for the fake in tests.
    line_webhook_path: str = "/line/webhook"
    line_api_url: str = DEFAULT_LINE_API_URL
    line_data_url: str = DEFAULT_LINE_DATA_URL
    # This process's name among replicas on one database: claims are held in it. Empty: the
    # host name and the web port. Each replica needs its own; a restart keeps it.
    instance_name: str = Field(default="", max_length=64)

    data_dir: Path = Path("data")
    database_url: str = ""

    province: str = "phichit"
    timezone: str = "Asia/Bangkok"

    invite_ttl_hours: float = Field(default=72.0, gt=0)
    stranger_notice_interval_minutes: float = Field(default=60.0, ge=0)

    war_room_chat_id: int | None = None
    ack_deadline_most_urgent_minutes: float = Field(default=5.0, gt=0)
    ack_deadline_very_urgent_minutes: float = Field(default=15.0, gt=0)
    ack_deadline_urgent_minutes: float = Field(default=30.0, gt=0)
    escalation_roster_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    escalation_max_rounds: int = Field(default=3, ge=1, le=20)
    instruction_remind_minutes: float = Field(default=15.0, gt=0)

    draft_ttl_minutes: float = Field(default=180.0, gt=0)
    max_attachments: int = Field(default=10, ge=0, le=50)
    max_attachment_mb: float = Field(default=20.0, gt=0, le=2000)
    # A new report like an open incident filed within these hours is pointed out (0: never).
    related_window_hours: float = Field(default=6.0, ge=0, le=24 * 14)
    # Retention (PDPA), in days; 0 keeps forever. The README's "What is kept" says why.
    audit_retention_days: int = Field(default=730, ge=0, le=36500)
    files_retention_days: int = Field(default=0, ge=0, le=36500)
    redact_closed_after_days: int = Field(default=0, ge=0, le=36500)

    # The web log, served by the same process. WEB_PORT empty turns it off; 0 takes any free
    # port (tests read the bound port back).
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=8080, ge=0, le=65535)
    public_base_url: str = ""
    web_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Bearer token for /metrics; empty: /metrics answers only to loopback clients.
    metrics_token: SecretStr = SecretStr("")

    log_level: str = "INFO"
    # Keyed pseudonyms for Telegram ids in logs; set it so logs correlate across restarts.
    log_pseudonym_key: SecretStr = SecretStr("")

    @field_validator(
        "telegram_api_base_url", "telegram_file_base_url", "line_api_url", "line_data_url"
    )
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @field_validator("public_base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ValueError("must be an http(s) address such as https://incident.example.go.th")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_address(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        parsed = urlsplit(value)
        loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
            raise ValueError("must be an https:// address (Telegram posts only to HTTPS)")
        if not parsed.hostname or not parsed.path.strip("/"):
            raise ValueError("needs a path, e.g. https://incident.example.go.th/telegram/webhook")
        return value

    @field_validator("line_webhook_path")
    @classmethod
    def _line_path(cls, value: str) -> str:
        value = value.strip()
        if not re.fullmatch(r"/[A-Za-z0-9_./-]+", value) or value.rstrip("/") == "":
            raise ValueError("must be a path such as /line/webhook")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret and not _WEBHOOK_SECRET_RE.fullmatch(secret):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _strong_token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if token and len(token) < MIN_METRICS_TOKEN_CHARS:
            raise ValueError(f"use at least {MIN_METRICS_TOKEN_CHARS} random characters")
        return SecretStr(token)

    @field_validator("web_port", mode="before")
    @classmethod
    def _port_off(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "off") else value

    @field_validator("escalation_roster_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("war_room_chat_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", "0", 0) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def ack_deadline(self, urgency: Urgency) -> timedelta:
        """How long an alert of this urgency may wait for acknowledgement before a reminder."""
        minutes = {
            Urgency.MOST_URGENT: self.ack_deadline_most_urgent_minutes,
            Urgency.VERY_URGENT: self.ack_deadline_very_urgent_minutes,
            Urgency.URGENT: self.ack_deadline_urgent_minutes,
        }[urgency]
        return timedelta(minutes=minutes)

    @property
    def tz(self) -> ZoneInfo:
        """The deployment's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def files_dir(self) -> Path:
        """Where downloaded photos and files are kept."""
        return self.data_dir / "files"

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or an SQLite file under DATA_DIR when it is not set."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'incidents.db').as_posix()}"

    @property
    def resolved_file_base_url(self) -> str:
        """Where files are downloaded from; derived from the API base URL unless set."""
        if self.telegram_file_base_url:
            return self.telegram_file_base_url
        base = self.telegram_api_base_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @property
    def webhook_path(self) -> str:
        """The path of TELEGRAM_WEBHOOK_URL, which the web log serves; empty when polling."""
        return urlsplit(self.telegram_webhook_url).path if self.telegram_webhook_url else ""

    @property
    def resolved_instance_name(self) -> str:
        """INSTANCE_NAME, else the host name and the web port (stable across restarts)."""
        if self.instance_name.strip():
            return self.instance_name.strip()
        return f"{socket.gethostname()}:{self.web_port if self.web_port is not None else '-'}"[:64]

    def require_webhook(self) -> None:
        """Webhook mode needs its secret and the web log to receive the posts."""
        if not self.telegram_webhook_url:
            return
        if not self.telegram_webhook_secret.get_secret_value():
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: Telegram sends it "
                "with every update so strangers cannot post updates"
            )
        if self.web_port is None:
            raise SettingsError("TELEGRAM_WEBHOOK_URL needs the web log on: set WEB_PORT")

    @property
    def line_enabled(self) -> bool:
        """Whether LINE is configured (require_line says whether it is configured well)."""
        return bool(
            self.line_channel_secret.get_secret_value().strip()
            or self.line_channel_access_token.get_secret_value().strip()
        )

    def require_line(self) -> tuple[str, str] | None:
        """The LINE channel secret and access token, None when LINE is off; SettingsError
        when only one is set or either is a placeholder."""
        secret = self.line_channel_secret.get_secret_value().strip()
        token = self.line_channel_access_token.get_secret_value().strip()
        if not secret and not token:
            return None
        if not secret or not token:
            missing = "LINE_CHANNEL_SECRET" if not secret else "LINE_CHANNEL_ACCESS_TOKEN"
            raise SettingsError(
                f"{missing} is not set: LINE needs both the channel secret and the channel "
                "access token (LINE Developers console, Messaging API channel)"
            )
        if not _LINE_SECRET_RE.fullmatch(secret) or _placeholder(secret):
            raise SettingsError(
                "LINE_CHANNEL_SECRET looks like a placeholder, not the 32 hexadecimal characters "
                "of the channel's Basic settings"
            )
        if not _LINE_TOKEN_RE.fullmatch(token) or _placeholder(token):
            raise SettingsError(
                "LINE_CHANNEL_ACCESS_TOKEN looks like a placeholder, not a long-lived channel "
                "access token issued on the channel's Messaging API tab"
            )
        if self.web_port is None:
            raise SettingsError("LINE needs the web log on to receive its webhook: set WEB_PORT")
        if self.telegram_webhook_url and self.webhook_path == self.line_webhook_path:
            raise SettingsError("LINE_WEBHOOK_PATH must differ from TELEGRAM_WEBHOOK_URL's path")
        return secret, token

    def require_token(self) -> str:
        """Return the bot token, or raise SettingsError when it is missing or a placeholder."""
        token = self.telegram_bot_token.get_secret_value().strip()
        if not token:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                "in .env"
            )
        lowered = token.lower()
        if not _TOKEN_RE.match(token) or any(hint in lowered for hint in _PLACEHOLDER_HINTS):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN looks like a placeholder, not a token from @BotFather "
                "(expected the form 123456789:AAE...)"
            )
        return token


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one-line SettingsError messages."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None

"""What every route needs at hand, created once with the application."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from bot.settings import Settings
from incidents.clock import Clock
from incidents.throttle import Throttle
from storage.db import Database


@dataclass(frozen=True, slots=True)
class WebContext:
    """The long-lived objects the web log reads with."""

    settings: Settings
    db: Database
    clock: Clock
    province_id: int
    province_key: str
    province_name: str
    throttle: Throttle = field(default_factory=Throttle)


def web_context(request: Request) -> WebContext:
    """The context the application was created with."""
    context = request.app.state.web
    assert isinstance(context, WebContext)
    return context


def client_address(request: Request) -> str:
    """Where the request came from (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client is not None else ""

"""What every route needs at hand: the core the application was created with, and who asks."""

from __future__ import annotations

from starlette.requests import Request

from incidents.core import Core
from web.phones import Phones


def core_of(request: Request) -> Core:
    """The core whose use cases the routes call (one per application)."""
    core = request.app.state.core
    assert isinstance(core, Core)
    return core


def client_address(request: Request) -> str:
    """Where the request came from (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client is not None else ""


def phones_of(request: Request) -> Phones:
    """The sandbox's phones (their routes are mounted only when the application has them)."""
    phones: Phones = request.app.state.phones
    return phones

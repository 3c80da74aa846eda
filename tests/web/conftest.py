"""The web log against a real database, driven through its ASGI application."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.app import rules_of
from bot.settings import Settings
from incidents import provinces
from incidents.core import Core
from incidents.events import EventBus
from incidents.records import sessions
from storage.db import Database
from storage.models import Person, Province
from tests.support.clock import ManualClock
from tests.support.incidents import Spec, add_incident, import_sample_roster
from web.app import create_app

HTML = {"accept": "text/html"}
_CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token in a page's form."""
    found = _CSRF_RE.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


class Site:
    """The web log of one test: its database, clock, files and a way to sign people in."""

    def __init__(self, core: Core, clock: ManualClock, settings: Settings) -> None:
        self.core = core
        self.db = core.db
        self.clock = clock
        self.settings = settings
        self.app = create_app(core)
        self._clients: list[httpx.AsyncClient] = []

    def set_rules(self, **changes: Any) -> None:
        """Change some of the deployment's rules for the rest of the test."""
        self.core.rules = self.core.rules.model_copy(update=changes)

    async def add(self, spec: Spec | None = None) -> str:
        """Write an incident; return its reference."""
        return await add_incident(
            self.db, spec or Spec(), self.clock.now(), self.settings.files_dir
        )

    async def link(self, roster_id: str) -> str:
        """The path of a fresh sign-in link for a roster person (as /web would send it)."""
        async with self.db.read() as session:
            person_id = await session.scalar(select(Person.id).where(Person.roster_id == roster_id))
        assert person_id is not None
        return (await sessions.sign_in_link(self.core, person_id, "")).url

    async def person_id(self, roster_id: str) -> str:
        """A roster person's row id, as the audit trail holds it (text)."""
        async with self.db.read() as session:
            found = await session.scalar(select(Person.id).where(Person.roster_id == roster_id))
        assert found is not None
        return str(found)

    def anonymous(self, scheme: str = "http") -> httpx.AsyncClient:
        """A browser with no session."""
        transport = httpx.ASGITransport(app=self.app, client=("203.0.113.7", 50000))
        client = httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver")
        self._clients.append(client)
        return client

    async def sign_in(self, client: httpx.AsyncClient, link: str) -> httpx.Response:
        """Open the link, confirm, and return the answer to the confirmation."""
        page = await client.get(link, headers=HTML)
        assert page.status_code == 200, page.text
        token = link.rsplit("/", 1)[1]
        return await client.post(
            "/login", data={"token": token, "csrf": csrf_of(page.text)}, headers=HTML
        )

    async def client(self, roster_id: str) -> httpx.AsyncClient:
        """A browser signed in as a roster person (over HTTPS when published so)."""
        https = self.core.rules.public_base_url.startswith("https://")
        client = self.anonymous("https" if https else "http")
        answer = await self.sign_in(client, await self.link(roster_id))
        assert answer.status_code == 303, answer.text
        return client

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@pytest.fixture
async def site(db: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Site]:
    """The web log over a migrated database with the sample roster."""
    await import_sample_roster(db, clock.now())
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    async with db.read() as session:
        province_id = (await session.scalars(select(Province.id))).one()
    data = provinces.load("phichit")
    core = Core(db, clock, rules_of(settings), data, province_id, EventBus())
    web = Site(core, clock, settings)
    yield web
    await web.close()

"""The real program published over HTTPS: a LINE executive's card shows the report's photo
through a signed address that the web log serves to anyone holding it, and audits."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.settings import Settings
from simulator.line import FakeLinePlatform
from storage.models import AuditAction, AuditEvent
from tests.bot.line.conftest import Outcomes
from tests.bot.line.test_alerts_on_line import REFERENCE, join_on_line, the_card
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, file_report

PUBLIC = "https://incidents.phichit.example"


@pytest.fixture
def line_settings(line_settings: Settings) -> Settings:
    line_settings.public_base_url = PUBLIC
    return line_settings


async def test_the_card_shows_the_photo_and_its_address_opens_it(
    live: Harness, line: FakeLinePlatform, outcomes: Outcomes
):
    governor = await join_on_line(live, line, outcomes, "GOV")
    reporter = await live.join(2001, "D6604")
    await file_report(live, reporter, ReportAnswers(photos=1))

    card = await the_card(line, governor)
    hero = card.message["contents"]["hero"]
    assert hero["url"].startswith(f"{PUBLIC}/photos/")
    path = hero["url"].removeprefix(PUBLIC)
    async with httpx.AsyncClient(base_url=live.runtime.web_url) as client:
        opened = await client.get(path)
        forged = await client.get(path[:-1] + ("0" if path[-1] != "0" else "1"))

    assert opened.status_code == 200 and opened.headers["content-type"].startswith("image/")
    assert len(opened.content) > 0
    assert forged.status_code == 404
    async with live.runtime.db.read() as session:
        audited = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.WEB_PHOTO_LINK_OPENED)
            )
        ).all()
    assert [row.detail for row in audited] == [{"incident": REFERENCE}]

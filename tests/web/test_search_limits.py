"""Searches that match almost everything: counted up to a limit, said as "more than"; short
searches (one or two characters, which no trigram index serves) still find their matches."""

from __future__ import annotations

import re

import pytest

from incidents.records import queries
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site

REFERENCE_RE = re.compile(r'href="/incidents/(PCT-\d{4}-\d{4})"')


async def test_a_search_with_more_matches_than_the_limit_says_more_than(
    site: Site, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(queries, "SEARCH_COUNT_LIMIT", 2)
    refs = [await site.add(Spec(place=f"บ้านหนองน้ำ หมู่ {n}")) for n in range(1, 5)]
    browser = await site.client("GOV")

    answer = await browser.get("/incidents?q=หนอง", headers=HTML)

    assert answer.status_code == 200
    assert "พบ <strong>มากกว่า 2</strong> เหตุการณ์" in answer.text
    assert "แสดงเฉพาะ 2 เหตุการณ์แรกตามลำดับที่เลือก" in answer.text
    # The two newest, in list order, and nothing past the counted ones.
    assert REFERENCE_RE.findall(answer.text) == [refs[3], refs[2]]


async def test_a_search_within_the_limit_is_counted_exactly(
    site: Site, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(queries, "SEARCH_COUNT_LIMIT", 2)
    await site.add(Spec(place="บ้านหนองน้ำ"))
    await site.add(Spec(place="บ้านหนองโสน"))
    await site.add(Spec(place="ตลาดสด"))
    browser = await site.client("GOV")

    answer = await browser.get("/incidents?q=หนอง", headers=HTML)

    assert "พบ <strong>2</strong> เหตุการณ์" in answer.text
    assert "แสดงเฉพาะ" not in answer.text


@pytest.mark.parametrize("q", ["ซม", "Z", "Zx", "zX"])
async def test_one_and_two_character_searches_find_their_matches(site: Site, q: str):
    wanted = await site.add(Spec(place="ซอยซมZx"))
    await site.add(Spec(place="บ้านดง"))
    browser = await site.client("GOV")

    answer = await browser.get(f"/incidents?q={q}", headers=HTML)

    assert REFERENCE_RE.findall(answer.text) == [wanted]


async def test_a_search_does_not_match_across_two_fields(site: Site):
    """The PostgreSQL index joins the searched fields with a line break; a search is one line,
    so the end of one field and the start of the next never make a match."""
    await site.add(Spec(place="บ้านดง", description="ไฟไหม้"))
    browser = await site.client("GOV")

    joined = await browser.get("/incidents?q=ดง%0Aไฟ", headers=HTML)
    spaced = await browser.get("/incidents?q=ดง ไฟ", headers=HTML)

    assert REFERENCE_RE.findall(joined.text) == []
    assert REFERENCE_RE.findall(spaced.text) == []

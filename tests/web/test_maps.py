"""The province's tile map: a square per district where the data file places it, shaded by open
incidents, flagged where one waits for acknowledgement, pins inside the bounding box only; on
the situation page, with each square linking to its district's incidents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pydantic import ValidationError

from incidents import provinces
from storage.models import IncidentStatus
from tests.support.incidents import Spec
from tests.web.conftest import HTML, Site
from web import maps

PHICHIT = provinces.load("phichit")


def test_every_district_has_a_square_shaded_by_its_open_incidents():
    drawn = maps.tile_map(
        PHICHIT,
        {"6604": (3, 1), "6601": (1, 0), "6605": (7, 0)},
        [
            maps.Located("PCT-2569-0001", 16.2, 100.42, True),
            maps.Located("PCT-2569-0002", 13.75, 100.5, False),  # Bangkok: outside the box
            maps.Located("PCT-2569-0003", None, None, False),
        ],
    )
    assert drawn is not None
    tiles = {t.code: t for t in drawn.tiles}
    assert len(tiles) == 12
    assert (tiles["6604"].level, tiles["6604"].waiting) == ("few", 1)
    assert (tiles["6601"].level, tiles["6605"].level, tiles["6602"].level) == (
        "one",
        "many",
        "none",
    )
    assert tiles["6604"].href == "/incidents?district=6604"
    # Mueang Phichit lies north of Taphan Hin, Wang Sai Phun east of Mueang.
    assert tiles["6601"].y < tiles["6604"].y and tiles["6602"].x > tiles["6601"].x
    assert len({(t.x, t.y) for t in drawn.tiles}) == 12
    [pin] = drawn.pins
    assert pin.reference == "PCT-2569-0001" and pin.waiting
    assert 0 <= pin.x <= drawn.width and 0 <= pin.y <= drawn.height


def test_a_province_without_tiles_has_no_map_and_two_on_one_tile_are_refused():
    bare = PHICHIT.model_copy(
        update={"districts": [d.model_copy(update={"tile": None}) for d in PHICHIT.districts]}
    )
    assert maps.tile_map(bare, {}) is None
    data = PHICHIT.model_dump()
    data["districts"][1]["tile"] = data["districts"][0]["tile"]
    with pytest.raises(ValidationError, match="share a tile"):
        provinces.ProvinceData.model_validate(data)


async def test_the_situation_page_draws_the_map(site: Site):
    await site.add(Spec(district="6604", latitude=16.21, longitude=100.42))
    site.clock.advance(timedelta(minutes=1))
    await site.add(Spec(district="6601", ack_after=timedelta(minutes=1), acknowledged_by="GOV"))
    browser = await site.client("GOV")

    page = (await browser.get("/situation", headers=HTML)).text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]

    assert len(re.findall(r"<rect ", svg)) == 12
    assert svg.count('class="tile level-one waiting"') == 1  # Taphan Hin: waiting
    assert svg.count('class="tile level-one"') == 1  # Mueang: acknowledged
    assert svg.count('<circle class="flag"') == 1
    assert '<a href="/incidents?district=6604">' in svg
    assert re.search(r'<circle class="pin waiting" cx="[\d.]+" cy="[\d.]+" r="6"><title>PCT-', svg)
    assert "style=" not in svg  # the policy allows no inline style


def test_against_the_most_a_district_has_shades_spread_over_big_counts():
    drawn = maps.tile_map(
        PHICHIT, {"6601": (900, 0), "6604": (500, 0), "6605": (100, 0)}, relative=True
    )
    assert drawn is not None
    levels = {t.code: t.level for t in drawn.tiles}
    assert [levels[c] for c in ("6601", "6604", "6605", "6602")] == ["many", "few", "one", "none"]


async def test_the_statistics_page_draws_the_filtered_counts(site: Site):
    for _ in range(3):
        await site.add(Spec(district="6604"))
    await site.add(Spec(district="6601", status=IncidentStatus.CLOSED))
    browser = await site.client("GOV")

    page = (await browser.get("/statistics", headers=HTML)).text
    svg = page.split("<svg viewBox", 1)[1].split("</svg>", 1)[0]

    assert len(re.findall(r"<rect ", svg)) == 12
    assert svg.count('class="tile level-many"') == 1 and svg.count('class="tile level-one"') == 1
    assert "อ.ตะพานหิน: เหตุการณ์ 3 เหตุ" in svg
    assert '<circle class="flag"' not in svg

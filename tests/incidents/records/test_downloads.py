"""Exports, CAP messages and files as core use cases: audited before anything leaves, refused
(and audited) when not the viewer's to see."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest

from incidents.core import Core
from incidents.records import downloads, queries
from incidents.records.downloads import ExportFormat
from incidents.records.filters import IncidentFilter
from storage.models import AuditAction
from tests.fakes import make_png
from tests.incidents.records.conftest import ADDRESS, add, trail, viewer
from tests.support.incidents import Spec


async def collected(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def test_an_export_is_audited_before_its_first_byte_is_read(core: Core):
    await add(core)
    governor = await viewer(core, "GOV")

    export = await downloads.export(
        core, governor, IncidentFilter(q="น้ำ"), ExportFormat.CSV, ADDRESS
    )

    [row] = await trail(core)
    assert row.action is AuditAction.WEB_EXPORTED
    assert row.detail == {"format": "csv", "filters": {"q": "น้ำ"}}
    assert export.file_name == "incidents-20261128-1400.csv"
    body = await collected(export.chunks)
    assert body.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 2


async def test_an_export_streams_over_several_batches_only_what_the_viewer_may_see(
    core: Core, monkeypatch: pytest.MonkeyPatch
):
    mine = [await add(core, Spec(reporter="D6604")) for _ in range(5)]
    theirs = await add(core, Spec(reporter="D6601", district="6601"))
    monkeypatch.setattr(queries, "EXPORT_BATCH", 2)
    reporter = await viewer(core, "D6604")

    export = await downloads.export(core, reporter, IncidentFilter(), ExportFormat.JSON, "")
    chunks = [chunk async for chunk in export.chunks]

    assert export.media_type == "application/json"
    assert len(chunks) == 2 + len(mine)  # "[", one chunk per incident, "]"
    body = b"".join(chunks)
    assert all(reference.encode() in body for reference in mine)
    assert theirs.encode() not in body


async def test_cap_of_a_visible_incident_is_kept_in_the_trail_as_an_export(core: Core):
    reference = await add(core)

    message = await downloads.incident_cap(core, await viewer(core, "GOV"), reference, ADDRESS)

    assert message is not None
    assert message.file_name == f"{reference}.cap.xml"
    assert b"<identifier>" + reference.encode() + b"</identifier>" in message.body
    [row] = await trail(core)
    assert (row.action, row.subject_id, row.detail) == (
        AuditAction.WEB_EXPORTED,
        reference,
        {"format": "cap"},
    )


async def test_cap_of_another_agencys_incident_is_refused_and_audited(core: Core):
    reference = await add(core, Spec(reporter="D6604"))

    assert await downloads.incident_cap(core, await viewer(core, "D6601"), reference, "") is None

    [row] = await trail(core)
    assert (row.action, row.detail) == (AuditAction.WEB_ACCESS_REFUSED, {"format": "cap"})


async def test_a_photo_goes_out_inline_and_its_opening_is_audited(core: Core):
    reference = await add(core, Spec(photos=[make_png()]))
    governor = await viewer(core, "GOV")
    detail = await downloads.incident_file(core, governor, reference, 1, ADDRESS)

    assert detail is not None
    assert (detail.media_type, detail.inline) == ("image/png", True)
    assert detail.path.read_bytes().startswith(b"\x89PNG")
    [row] = await trail(core)
    assert (row.action, row.subject_id, row.detail) == (
        AuditAction.WEB_FILE_VIEWED,
        "1",
        {"incident": reference},
    )


async def test_a_file_out_of_reach_is_refused_and_audited_whatever_its_number(core: Core):
    reference = await add(core, Spec(reporter="D6604", photos=[make_png()]))
    other = await viewer(core, "D6601")

    for attachment_id in (1, 2, 2**31):
        assert await downloads.incident_file(core, other, reference, attachment_id, "") is None

    rows = await trail(core)
    assert [r.action for r in rows] == [AuditAction.WEB_ACCESS_REFUSED] * 3
    assert [r.subject_id for r in rows] == ["1", "2", str(2**31)]


async def test_a_file_with_no_copy_kept_is_not_found_and_not_counted_as_opened(core: Core):
    reference = await add(core, Spec(photos=[make_png()]))
    for kept in core.rules.files_dir.rglob("*.png"):
        kept.unlink()

    assert await downloads.incident_file(core, await viewer(core, "GOV"), reference, 1, "") is None
    assert await trail(core) == []

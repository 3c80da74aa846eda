"""The audit log as a core use case: for admins only, and reading it is audited too."""

from __future__ import annotations

from incidents.core import Core
from incidents.records import auditlog, browsing
from incidents.records.filters import IncidentFilter
from storage.models import AuditAction
from tests.incidents.records.conftest import ADDRESS, trail, viewer


async def test_an_admin_reads_the_trail_in_thai_and_the_reading_is_audited(core: Core):
    await browsing.incident_list(core, await viewer(core, "D6604"), IncidentFilter(), ADDRESS)
    admin = await viewer(core, "ADMIN1")

    shown = await auditlog.audit_log(core, admin, 1, AuditAction.WEB_LIST_VIEWED, ADDRESS)

    assert shown is not None
    assert shown.total == 1
    [row] = shown.rows
    assert row.actor == "นายตัวอย่าง หินสมมติ (นายอำเภอตะพานหิน)"
    assert row.subject == "รายการเหตุการณ์"
    assert row.source == ADDRESS
    last = (await trail(core))[-1]
    assert (last.action, last.detail) == (AuditAction.WEB_AUDIT_VIEWED, {"page": 1})


async def test_anyone_but_an_admin_is_refused_the_trail_and_the_refusal_is_kept(core: Core):
    for roster_id in ("GOV", "D6604"):
        assert await auditlog.audit_log(core, await viewer(core, roster_id), 1, None, "") is None

    rows = await trail(core)
    assert [(r.action, r.subject_type) for r in rows] == [
        (AuditAction.WEB_ACCESS_REFUSED, "audit_log"),
        (AuditAction.WEB_ACCESS_REFUSED, "audit_log"),
    ]


async def test_a_page_past_the_end_shows_the_last_one(core: Core):
    admin = await viewer(core, "ADMIN1")

    shown = await auditlog.audit_log(core, admin, 999, None, ADDRESS)

    assert shown is not None
    assert (shown.page, shown.pages) == (1, 1)

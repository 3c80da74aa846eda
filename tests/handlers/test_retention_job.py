"""The daily retention job in the running program: the first maintenance round applies the
periods and audits what went; later rounds the same day do nothing; a day later it runs again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import maintenance
from incidents import audit
from incidents.audit import CLI_ACTOR
from storage.models import AuditAction, AuditEvent
from tests.support.harness import Harness


async def purges(bot: Harness) -> list[AuditEvent]:
    async with bot.runtime.db.read() as session:
        found = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.RECORDS_PURGED)
        )
        return list(found)


async def test_the_retention_job_runs_once_a_day_and_audits_what_it_removed(bot: Harness):
    core = bot.runtime.core
    core.rules = core.rules.model_copy(update={"audit_retention_days": 30})
    async with core.unit() as uow:
        audit.record(uow.session, AuditAction.WEB_EXPORTED, CLI_ACTOR, uow.now)
    await bot.advance(timedelta(days=31))

    await maintenance.run_once(bot.runtime, bot.application.bot)
    first = await purges(bot)
    async with core.unit() as uow:
        audit.record(uow.session, AuditAction.WEB_EXPORTED, CLI_ACTOR, uow.now)
    await bot.advance(timedelta(hours=1))
    await maintenance.run_once(bot.runtime, bot.application.bot)
    same_day = await purges(bot)
    await bot.advance(timedelta(days=31))
    await maintenance.run_once(bot.runtime, bot.application.bot)

    assert len(first) == 1
    assert first[0].detail["audit_by_action"][AuditAction.WEB_EXPORTED.value] == 1
    assert first[0].actor_label == "retention"
    assert len(same_day) == 1
    later = await purges(bot)
    assert len(later) == 2  # a purge's own row is kept, whatever its age
    assert later[1].detail["audit_by_action"] == {AuditAction.WEB_EXPORTED.value: 1}

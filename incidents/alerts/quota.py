"""The admins told, once a calendar month, that the LINE message quota is running out.

"Once a month" is kept in the audit trail (a `line.quota_warned` row whose subject is the
month, in the deployment's time zone), so a restart does not tell them again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from incidents import audit
from incidents.alerts import recipients
from incidents.audit import Actor, ActorSource
from incidents.core import Core
from incidents.text import line as texts
from storage.models import AuditAction, AuditEvent

# At this percentage of the monthly quota used, the admins are told (issue 13).
WARN_AT_PERCENT = 80
SUBJECT = "line_quota"
# The system itself (the audit log shows it as such), about the LINE channel.
WATCH = Actor(source=ActorSource.LINE)


def month_of(now: datetime, core: Core) -> str:
    """The calendar month `now` falls in where the province is, as YYYY-MM."""
    local = now.astimezone(core.rules.tz)
    return f"{local.year:04d}-{local.month:02d}"


def percent_used(limit: int, used: int) -> int:
    """The whole percent used, rounded down (79.9 % is not yet 80); a zero limit is used up."""
    return 100 if limit <= 0 else used * 100 // limit


async def warn_if_low(core: Core, *, limit: int | None, used: int) -> bool:
    """Tell the admins, unless they were told this month, when `used` is at least 80 % of
    `limit` (None: no limit, nothing to tell); return whether they were told now."""
    if limit is None or percent_used(limit, used) < WARN_AT_PERCENT:
        return False
    async with core.unit() as uow:
        month = month_of(uow.now, core)
        told = await uow.session.scalar(
            select(
                exists().where(
                    AuditEvent.action == AuditAction.LINE_QUOTA_WARNED,
                    AuditEvent.subject_type == SUBJECT,
                    AuditEvent.subject_id == month,
                )
            )
        )
        if told:
            return False
        percent = percent_used(limit, used)
        notice = texts.quota_warning(used, limit, percent)
        # Recorded even when no admin has joined yet: a notice nobody can get is not retried.
        await recipients.notify_admins(uow.session, core.province_id, notice, uow.now)
        audit.record(
            uow.session,
            AuditAction.LINE_QUOTA_WARNED,
            WATCH,
            uow.now,
            subject_type=SUBJECT,
            subject_id=month,
            used=used,
            limit=limit,
            percent=percent,
        )
    return True

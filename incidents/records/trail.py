"""What the web log writes down of what people look at: every view and export, and every request
refused (PDPA: access to personal data is audited). The record use cases call these after they
have read what was asked for, each in a unit of work of its own.

Reading and recording are two transactions on purpose: on SQLite a writing transaction holds the
database's one write lock, and a long search must not hold up a report being filed.
"""

from __future__ import annotations

from typing import Any

from incidents import audit
from incidents.core import Core
from incidents.records.filters import Viewer
from storage.models import AuditAction

# The audit row's subject id column holds this many characters; what a request asked for
# may be longer (anyone can type an address), so its texts are kept to this length.
SUBJECT_ID_LENGTH = 64


def _actor(viewer: Viewer, address: str) -> audit.Actor:
    return audit.Actor(person_id=viewer.person_id, label=viewer.name, source=address)


async def viewed(
    core: Core,
    viewer: Viewer,
    address: str,
    action: AuditAction,
    *,
    subject_type: str = "",
    subject_id: str | int = "",
    **detail: Any,
) -> None:
    """Write down that the viewer, at a client address, saw or took something."""
    async with core.unit() as uow:
        audit.record(
            uow.session,
            action,
            _actor(viewer, address),
            uow.now,
            subject_type=subject_type,
            subject_id=subject_id,
            **detail,
        )


async def viewed_again(
    core: Core, viewer: Viewer, address: str, action: AuditAction, *, subject_type: str
) -> None:
    """Write down a view that repeats itself (a page refreshing while open): the same viewer's
    views from one address are counted on one row while they keep coming."""
    entry = audit.AuditEntry(action, _actor(viewer, address), core.clock.now(), subject_type)
    async with core.unit() as uow:
        await audit.record_refusal(uow.session, entry)


async def refused(
    core: Core,
    viewer: Viewer,
    address: str,
    *,
    subject_type: str,
    subject_id: str | int = "",
    **detail: Any,
) -> None:
    """Write down what the viewer asked for and was refused. Every refusal of the web log
    comes through here, so how they are kept (repeats folded onto one row) is decided here."""
    entry = audit.AuditEntry(
        AuditAction.WEB_ACCESS_REFUSED,
        _actor(viewer, address),
        core.clock.now(),
        subject_type=subject_type,
        subject_id=str(subject_id)[:SUBJECT_ID_LENGTH],
        detail={k: v[:SUBJECT_ID_LENGTH] if isinstance(v, str) else v for k, v in detail.items()},
    )
    async with core.unit() as uow:
        await audit.record_refusal(uow.session, entry)

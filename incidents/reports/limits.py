"""The one rule for files people send: how many one report (or one incident's news) may hold,
and how large each may be. Every way a file arrives asks `FileLimits.check`, once with the size
Telegram declares before downloading and again with the real size after."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.config import Rules
from storage.models import Attachment

BYTES_PER_MB = 1024 * 1024


class FileRefusal(StrEnum):
    """Why a file cannot be kept."""

    TOO_MANY = "too_many"
    TOO_LARGE = "too_large"


class FileRefused(Exception):  # noqa: N818 - an outcome the person is told, not a fault
    """A file over a limit; `refusal` says which."""

    def __init__(self, refusal: FileRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class FileLimits:
    """MAX_ATTACHMENTS and MAX_ATTACHMENT_MB of a deployment."""

    max_count: int
    max_mb: float

    @classmethod
    def of(cls, rules: Rules) -> FileLimits:
        """The limits of a deployment's rules."""
        return cls(rules.max_attachments, rules.max_attachment_mb)

    def check(self, size: int | None, kept: int) -> None:
        """Raise FileRefused unless one more file of `size` bytes (None: not known yet) may
        join the `kept` files already there."""
        if kept >= self.max_count:
            raise FileRefused(FileRefusal.TOO_MANY)
        if size is not None and size > self.max_mb * BYTES_PER_MB:
            raise FileRefused(FileRefusal.TOO_LARGE)


async def draft_files(session: AsyncSession, draft_id: int) -> int:
    """How many files a report draft holds."""
    return await _count(session, Attachment.draft_id == draft_id)


async def news_files(session: AsyncSession, incident_id: int) -> int:
    """How many files were sent as news about an incident (not those filed with the report)."""
    return await _count(
        session, Attachment.incident_id == incident_id, Attachment.draft_id.is_(None)
    )


async def _count(session: AsyncSession, *where: ColumnElement[bool]) -> int:
    found = await session.scalar(select(func.count()).select_from(Attachment).where(*where))
    return int(found or 0)

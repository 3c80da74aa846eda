"""Files sent while a report is being filled in, as use cases: how much room the open draft
has (asked before fetching the file), and keeping a fetched file with the draft (or a new one)."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.actions import Buttons
from incidents.core import Core
from incidents.files import StoredFile
from incidents.reports import buttons, service
from incidents.reports.drafting import prompt_for
from incidents.reports.limits import FileLimits, draft_files
from incidents.reports.prompting import DraftState, Prompt
from incidents.reports.received import IncomingFile, attachment_row
from incidents.reports.service import Opened
from storage.models import Person, ReportStep, Role

__all__ = ["Held", "Room", "keep", "room"]


@dataclass(frozen=True, slots=True)
class Room:
    """The open (unexpired) draft's current question, how many files it holds, and the limits;
    `may_start`: without a draft, whether a file starts a new report."""

    prompt: Prompt | None
    at_attachments: bool
    kept: int
    limits: FileLimits
    may_start: bool


async def room(core: Core, person: Person) -> Room:
    """How things stand for one more file from this person."""
    limits = FileLimits.of(core.rules)
    async with core.reading() as session:
        now = core.clock.now()
        draft = await service.open_draft(session, person.id)
        if draft is not None and service.is_stale(draft, now, core.rules.draft_ttl):
            draft = None
        state = DraftState.of(draft) if draft is not None else None
        kept = await draft_files(session, draft.id) if draft is not None else 0
    if state is None:
        return Room(None, False, 0, limits, person.has_role(Role.REPORTER))
    at_attachments = state.step is ReportStep.ATTACHMENTS
    return Room(prompt_for(core, person, state, now), at_attachments, kept, limits, True)


@dataclass(frozen=True, slots=True)
class Held:
    """The draft a file was kept with, and what to tell the reporter."""

    opened: Opened
    count: int
    quiet: bool  # a later item of an album already acknowledged
    at_attachments: bool
    done_buttons: Buttons  # the attachments step's "done", to ride on the acknowledgement
    prompt: Prompt


async def keep(
    core: Core,
    person: Person,
    incoming: IncomingFile,
    stored: StoredFile | None,
    caption: str | None,
    media_group: str | None,
) -> Held:
    """Add the file to the open draft (or a new one), counting again under the draft's lock;
    FileRefused (nothing kept) when it is one too many."""
    limits = FileLimits.of(core.rules)
    async with core.unit() as uow:
        session, now = uow.session, uow.now
        draft, opened = await service.open_or_start(session, person, now, core.rules.draft_ttl)
        count = await draft_files(session, draft.id)
        limits.check(None, count)
        session.add(attachment_row(incoming, stored, caption, now, draft_id=draft.id))
        data = service.data_of(draft)
        # An album arrives as one message per item: acknowledge it once.
        quiet = media_group is not None and data.last_media_group == media_group
        data.last_media_group = media_group
        service.save(draft, data, draft.step, now)
        await session.flush()
        await session.refresh(draft, ["attachments"])
        state = DraftState.of(draft)
    done = buttons.step_buttons(
        ReportStep.ATTACHMENTS, state.token, state.data, core.province, None
    )
    return Held(
        opened,
        count + 1,
        quiet,
        state.step is ReportStep.ATTACHMENTS,
        done,
        prompt_for(core, person, state, now),
    )

"""The report conversation as use cases: start a draft, answer its steps (typed, pinned or
pressed), cancel it, ask it again, and expire abandoned ones. Each opens its own unit of work
and returns what the channel should show; filing is in incidents/reports/filing.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidents.core import Core
from incidents.reports import buttons, service, steps
from incidents.reports.draft import EDITABLE, DraftData
from incidents.reports.parsing import InputError, InputProblem
from incidents.reports.prompting import DraftState, Prompt, prompt_of
from incidents.reports.service import Opened
from incidents.reports.steps import Answer
from incidents.text import report as t
from storage.models import DraftStatus, Person, ReportDraft, ReportStep, Role

__all__ = [
    "Answered",
    "Expired",
    "LocationNote",
    "Opened",
    "Started",
    "cancel",
    "current",
    "edit",
    "expire_abandoned",
    "locate",
    "press",
    "prompt_for",
    "start",
    "write",
]

# An answer to apply to the open draft, given its answers so far and the time.
Apply = Callable[[ReportDraft, DraftData, datetime], Answer]


class LocationNote(StrEnum):
    """What an answer did to the location, worth a word (and the main keyboard back)."""

    KEPT = "kept"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Answered:
    """What an answer did to the person's open draft, and what to ask next."""

    prompt: Prompt | None  # None: no open draft
    expired: bool = False  # the open draft had expired; it is closed now
    problem: InputError | None = None  # the answer was refused; the step is asked again
    opened: Opened = Opened.CONTINUED
    location: LocationNote | None = None
    stale: bool = False  # an old button: the current step is asked again


@dataclass(frozen=True, slots=True)
class Started:
    """The draft /report continues or starts, and its first question."""

    draft_id: int
    opened: Opened
    prompt: Prompt


def prompt_for(
    core: Core, person: Person, state: DraftState, now: datetime, note: str | None = None
) -> Prompt:
    """The question of a draft's current step as this person sees it (after `note`)."""
    own = person.district.code if person.district else None
    return prompt_of(state, core.province, now, core.rules.tz, own, note=note)


async def start(core: Core, person: Person) -> Started | None:
    """Start a report, or resume the open one; None for a person who may not report."""
    if not person.has_role(Role.REPORTER):
        return None
    async with core.unit() as uow:
        draft, opened = await service.open_or_start(
            uow.session, person, uow.now, core.rules.draft_ttl
        )
        state = DraftState.of(draft)
    return Started(state.id, opened, prompt_for(core, person, state, uow.now))


async def current(core: Core, person: Person) -> Prompt | None:
    """The open draft's current question, if a draft is open."""
    async with core.reading() as session:
        draft = await service.open_draft(session, person.id)
        state = DraftState.of(draft) if draft is not None else None
    return prompt_for(core, person, state, core.clock.now()) if state is not None else None


async def cancel(core: Core, person: Person) -> bool:
    """Cancel the open draft; whether there was one."""
    async with core.unit() as uow:
        draft = await service.open_draft(uow.session, person.id, for_update=True)
        if draft is not None:
            service.close(draft, DraftStatus.CANCELLED, uow.now)
    return draft is not None


async def write(core: Core, person: Person, text: str | None) -> Answered:
    """Take typed text (None: a message without text) as the answer to the current step."""

    def apply(draft: ReportDraft, data: DraftData, now: datetime) -> Answer:
        if text is None:
            raise InputError(InputProblem.NOT_TEXT)
        if draft.step is ReportStep.REVIEW:
            raise InputError(InputProblem.USE_BUTTONS)
        labels = buttons.labels_for(draft.step, core.province)
        return steps.write(data, draft.step, text, now, core.rules.tz, core.province, labels)

    return await _answer(core, person, apply)


async def locate(core: Core, person: Person, latitude: float, longitude: float) -> Answered:
    """Take a location pin; it is worth keeping even before /report, so for a reporter it
    starts a report that holds it."""

    def apply(draft: ReportDraft, data: DraftData, now: datetime) -> Answer:
        return steps.locate(data, draft.step, latitude, longitude, core.province)

    return await _answer(core, person, apply, start=person.has_role(Role.REPORTER))


async def press(core: Core, person: Person, token: str, step: ReportStep, value: str) -> Answered:
    """Apply a choice pressed at a step of the draft with that token."""

    def apply(draft: ReportDraft, data: DraftData, now: datetime) -> Answer:
        if draft.token != token or draft.step is not step:
            raise InputError(InputProblem.STALE_CHOICE)
        return steps.choose(data, draft.step, value, now, core.province)

    return _stale_to_prompt(await _answer(core, person, apply))


async def edit(core: Core, person: Person, token: str, field: ReportStep) -> Answered:
    """From the review, go back to one field of the draft with that token."""

    def apply(draft: ReportDraft, data: DraftData, now: datetime) -> Answer:
        if draft.token != token or draft.step is not ReportStep.REVIEW:
            raise InputError(InputProblem.STALE_CHOICE)
        if field not in EDITABLE or (field is ReportStep.DDPM_LEVEL and not data.applies_ddpm):
            raise InputError(InputProblem.STALE_CHOICE)
        if field is ReportStep.ATTACHMENTS:
            data = data.model_copy(update={"attachments_done": False})
        return Answer(data, field)

    return _stale_to_prompt(await _answer(core, person, apply))


def _stale_to_prompt(answered: Answered) -> Answered:
    """An old button is no error to explain: the current step is simply asked again."""
    problem = answered.problem
    if problem is None or problem.reason is not InputProblem.STALE_CHOICE:
        return answered
    return Answered(answered.prompt, answered.expired, None, answered.opened, stale=True)


async def _answer(core: Core, person: Person, apply: Apply, *, start: bool = False) -> Answered:
    """Apply an answer to the person's open draft in one unit of work (`start`: to a new
    draft when none is open)."""
    ttl = core.rules.draft_ttl
    async with core.unit() as uow:
        now = uow.now
        if start:
            draft, opened = await service.open_or_start(uow.session, person, now, ttl)
        else:
            found, expired = await service.live_draft(uow.session, person.id, now, ttl)
            if found is None:
                return Answered(None, expired=expired)
            draft, opened = found, Opened.CONTINUED
        before = service.data_of(draft)
        try:
            answer = apply(draft, before, now)
        except InputError as problem:
            state = DraftState.of(draft)
            return Answered(prompt_for(core, person, state, now), problem=problem, opened=opened)
        service.save(draft, answer.data, answer.step, now)
        state = DraftState.of(draft)
    note = None
    after = state.data
    if after.occurred_at and after.occurred_at != before.occurred_at:
        note = t.occurred_note(after.occurred_at, now, core.rules.tz)
    prompt = prompt_for(core, person, state, now, note)
    return Answered(prompt, opened=opened, location=_location_note(before, after))


def _location_note(before: DraftData, after: DraftData) -> LocationNote | None:
    """A word on the location when this answer settled it (kept or skipped)."""
    if not after.location_answered:
        return None
    place = (after.latitude, after.longitude)
    if before.location_answered and (before.latitude, before.longitude) == place:
        return None
    return LocationNote.KEPT if after.latitude is not None else LocationNote.SKIPPED


@dataclass(frozen=True, slots=True)
class Expired:
    """A draft that expired, and where its owner can be told (None: nowhere)."""

    draft_id: int
    chat_id: int | None


async def expire_abandoned(core: Core) -> list[Expired]:
    """Expire every draft left alone past the draft lifetime."""
    async with core.unit() as uow:
        stale = await service.stale_drafts(uow.session, uow.now, core.rules.draft_ttl)
        expired = []
        for draft in stale:
            service.close(draft, DraftStatus.EXPIRED, uow.now)
            expired.append(Expired(draft.id, draft.person.telegram_user_id))
    return expired

"""What a draft asks next: the question of its current step (or its review) and its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from incidents.actions import Buttons
from incidents.provinces import ProvinceData
from incidents.reports import buttons
from incidents.reports.draft import DraftData
from incidents.reports.view import ReportView
from incidents.text import report as t
from incidents.text.rich import Text
from storage.models import ReportDraft, ReportStep


@dataclass(frozen=True, slots=True)
class DraftState:
    """A draft as it stands once its unit of work has committed."""

    id: int
    token: str
    step: ReportStep
    data: DraftData
    attachments: int

    @classmethod
    def of(cls, draft: ReportDraft) -> DraftState:
        """The state of a draft row (its attachments loaded)."""
        data = DraftData.model_validate(draft.data)
        return cls(draft.id, draft.token, draft.step, data, len(draft.attachments))


@dataclass(frozen=True, slots=True)
class Prompt:
    """The question to ask, its buttons, and whether it asks for a location (which each
    channel requests its own way)."""

    text: Text
    buttons: Buttons
    asks_location: bool


def prompt_text(state: DraftState, province: ProvinceData, now: datetime, tz: tzinfo) -> Text:
    """The text asking for the current step (the review when all is answered)."""
    if state.step is ReportStep.REVIEW:
        return t.review(ReportView.of_draft(state.data, province, state.attachments), tz)
    step = state.step
    editing = state.data.next_step() is ReportStep.REVIEW and step is not ReportStep.ATTACHMENTS
    text = t.edit_prompt(step, now, tz) if editing else t.prompt(step, now, tz)
    if step is ReportStep.ATTACHMENTS and state.attachments:
        text = text + t.ATTACHMENTS_KEPT.format(count=state.attachments)
    return text + t.FOOTER


def prompt_of(
    state: DraftState,
    province: ProvinceData,
    now: datetime,
    tz: tzinfo,
    own_district: str | None,
    *,
    note: str | None = None,
) -> Prompt:
    """The question of the draft's current step with its buttons (after `note`, if any)."""
    if state.step is ReportStep.REVIEW:
        shown = buttons.review_buttons(state.token, state.data)
    else:
        shown = buttons.step_buttons(state.step, state.token, state.data, province, own_district)
    text = prompt_text(state, province, now, tz)
    if note:
        text = Text(note, "\n\n", text)
    return Prompt(text, shown, state.step is ReportStep.LOCATION)

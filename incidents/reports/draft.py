"""A report draft's answers, and which step comes next."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from storage.models import Category, ReportStep, Urgency

# The order of questions; DDPM_LEVEL is asked only for disasters, LOCATION_CONFIRM only when a
# pin falls outside the province, REVIEW when everything has an answer.
ORDER: tuple[ReportStep, ...] = (
    ReportStep.DRILL,
    ReportStep.CATEGORY,
    ReportStep.URGENCY,
    ReportStep.DDPM_LEVEL,
    ReportStep.DISTRICT,
    ReportStep.PLACE,
    ReportStep.LOCATION,
    ReportStep.OCCURRED_AT,
    ReportStep.DESCRIPTION,
    ReportStep.IMPACT,
    ReportStep.DAMAGE,
    ReportStep.ATTACHMENTS,
)

# Fields a reporter may change from the review, in the order the review lists them.
EDITABLE: tuple[ReportStep, ...] = tuple(s for s in ORDER if s is not ReportStep.DRILL)


class DraftData(BaseModel):
    """Everything answered so far; `None` with `*_answered` set means "not known / skipped"."""

    model_config = ConfigDict(validate_assignment=True)

    category: Category | None = None
    urgency: Urgency | None = None
    ddpm_level: int | None = None
    ddpm_answered: bool = False
    district_code: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_answered: bool = False
    pending_latitude: float | None = None
    pending_longitude: float | None = None
    occurred_at: datetime | None = None
    description: str | None = None
    dead: int | None = None
    injured: int | None = None
    missing: int | None = None
    households: int | None = None
    impact_answered: bool = False
    damage_note: str | None = None
    damage_answered: bool = False
    attachments_done: bool = False
    last_media_group: str | None = None
    # Filed as a drill's incident (การฝึกซ้อม) only when set to a drill the reporter takes part
    # in and still running; otherwise, and whenever unclear, the report is real.
    drill_id: int | None = None
    # The running drill the reporter took part in when the draft was opened: the DRILL step
    # asks whether this report belongs to it.
    drill_offered: int | None = None
    drill_answered: bool = False

    def answered(self, step: ReportStep) -> bool:
        """Whether the step has its answer (or does not apply)."""
        match step:
            case ReportStep.DRILL:
                return self.drill_offered is None or self.drill_answered
            case ReportStep.CATEGORY:
                return self.category is not None
            case ReportStep.URGENCY:
                return self.urgency is not None
            case ReportStep.DDPM_LEVEL:
                return self.ddpm_answered or not self.applies_ddpm
            case ReportStep.DISTRICT:
                return self.district_code is not None
            case ReportStep.PLACE:
                return self.place is not None
            case ReportStep.LOCATION:
                return self.location_answered
            case ReportStep.OCCURRED_AT:
                return self.occurred_at is not None
            case ReportStep.DESCRIPTION:
                return self.description is not None
            case ReportStep.IMPACT:
                return self.impact_answered
            case ReportStep.DAMAGE:
                return self.damage_answered
            case ReportStep.ATTACHMENTS:
                return self.attachments_done
            case _:
                return True

    def next_step(self) -> ReportStep:
        """The first unanswered step, or REVIEW."""
        return next((step for step in ORDER if not self.answered(step)), ReportStep.REVIEW)

    @property
    def applies_ddpm(self) -> bool:
        """Whether the DDPM level question is part of this report."""
        return bool(self.category and self.category.is_disaster)

"""The buttons of each report step, as the core's actions (no channel, no database)."""

from __future__ import annotations

import pytest

from incidents import provinces
from incidents.actions import (
    ButtonAction,
    Buttons,
    CancelReport,
    Choose,
    ConfirmReport,
    EditField,
)
from incidents.reports.buttons import review_buttons, step_buttons
from incidents.reports.draft import DraftData
from incidents.reports.steps import BACK_TO_REVIEW
from storage.models import Category, ReportStep

PHICHIT = provinces.load("phichit")
TOKEN = "a1b2c3d4"


def actions_of(rows: Buttons) -> list[ButtonAction | None]:
    return [button.action for row in rows for button in row]


@pytest.mark.parametrize(
    "step", [s for s in ReportStep if s not in (ReportStep.REVIEW, ReportStep.LOCATION)]
)
def test_every_choice_of_a_step_names_the_draft_and_the_step(step: ReportStep):
    for action in actions_of(step_buttons(step, TOKEN, DraftData(), PHICHIT, None)):
        assert isinstance(action, Choose)
        assert (action.token, action.step) == (TOKEN, step)


def test_the_location_is_asked_for_by_the_channel_not_by_buttons():
    assert step_buttons(ReportStep.LOCATION, TOKEN, DraftData(), PHICHIT, None) == ()


def test_the_reporters_own_district_comes_first():
    own = PHICHIT.districts[-1].code
    first = actions_of(step_buttons(ReportStep.DISTRICT, TOKEN, DraftData(), PHICHIT, own))[0]
    assert isinstance(first, Choose) and first.value == own


def test_review_offers_each_field_then_confirm_and_cancel_and_ddpm_only_for_disasters():
    flood = DraftData(category=Category.FLOOD)
    crime = DraftData(category=Category.SERIOUS_CRIME)

    for_flood = actions_of(review_buttons(TOKEN, flood))
    for_crime = actions_of(review_buttons(TOKEN, crime))

    assert for_flood[-2:] == [ConfirmReport(token=TOKEN), CancelReport(token=TOKEN)]
    assert EditField(token=TOKEN, step=ReportStep.DDPM_LEVEL) in for_flood
    assert EditField(token=TOKEN, step=ReportStep.DDPM_LEVEL) not in for_crime


def test_changing_a_field_from_the_review_offers_the_way_back():
    done = DraftData(
        category=Category.SERIOUS_CRIME,
        urgency="urgent",
        district_code="6604",
        place="ตลาด",
        location_answered=True,
        occurred_at="2026-11-28T07:00:00+00:00",
        description="ไฟไหม้อาคารพาณิชย์",
        impact_answered=True,
        damage_answered=True,
        attachments_done=True,
    )
    assert done.next_step() is ReportStep.REVIEW

    last = actions_of(step_buttons(ReportStep.PLACE, TOKEN, done, PHICHIT, None))[-1]

    assert last == Choose(token=TOKEN, step=ReportStep.PLACE, value=BACK_TO_REVIEW)

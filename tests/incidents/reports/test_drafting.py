"""The report conversation as core use cases: drafts, steps, buttons and expiry, no Bot API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from incidents.actions import CancelReport, Choose, ConfirmReport, EditField
from incidents.core import Core
from incidents.reports import drafting, filing
from incidents.reports.drafting import LocationNote, Opened
from incidents.reports.filing import FileOutcome
from incidents.reports.parsing import InputProblem
from incidents.reports.prompting import Prompt
from storage.models import DraftStatus, Incident, ReportDraft, ReportStep, Role
from tests.incidents.reports.conftest import member
from tests.support.clock import ManualClock


def actions(prompt: Prompt) -> list[object]:
    return [button.action for row in prompt.buttons for button in row]


def choice(prompt: Prompt, value: str) -> Choose:
    found = [a for a in actions(prompt) if isinstance(a, Choose) and a.value == value]
    assert found, (value, actions(prompt))
    return found[0]


async def press(core: Core, person, prompt: Prompt, value: str) -> drafting.Answered:
    action = choice(prompt, value)
    return await drafting.press(core, person, action.token, action.step, action.value)


async def test_a_reporter_starts_a_draft_whose_first_question_offers_every_category(core: Core):
    reporter = await member(core, "D6604")

    started = await drafting.start(core, reporter)

    assert started is not None and started.opened is Opened.STARTED
    assert "ประเภทใด" in started.prompt.text.plain()
    assert {type(a) for a in actions(started.prompt)} == {Choose}
    again = await drafting.start(core, reporter)
    assert again is not None and again.opened is Opened.CONTINUED
    assert again.draft_id == started.draft_id


async def test_someone_without_the_reporter_role_cannot_start_a_report(core: Core):
    governor = await member(core, "GOV")
    assert not governor.has_role(Role.REPORTER)

    assert await drafting.start(core, governor) is None


async def test_a_typed_answer_that_does_not_fit_is_refused_with_its_problem(core: Core):
    reporter = await member(core, "D6604")
    started = await drafting.start(core, reporter)
    assert started is not None
    answered = await press(core, reporter, started.prompt, "flood")
    answered = await press(core, reporter, answered.prompt, "most_urgent")
    answered = await press(core, reporter, answered.prompt, "unknown")
    answered = await press(core, reporter, answered.prompt, "6604")

    short = await drafting.write(core, reporter, "บ")

    assert short.problem is not None and short.problem.reason is InputProblem.TOO_SHORT
    assert short.prompt is not None and "สถานที่" in short.prompt.text.plain()
    kept = await drafting.write(core, reporter, "บ้านวังหลุม หมู่ 3")
    assert kept.problem is None
    assert kept.prompt is not None and kept.prompt.asks_location
    skipped = await drafting.write(core, reporter, "ข้าม")
    assert skipped.location is LocationNote.SKIPPED


async def test_a_button_of_an_old_prompt_asks_the_current_step_again(core: Core):
    reporter = await member(core, "D6604")
    started = await drafting.start(core, reporter)
    assert started is not None
    await press(core, reporter, started.prompt, "flood")

    again = await press(core, reporter, started.prompt, "fire")

    assert again.stale and again.problem is None
    assert again.prompt is not None and "ความเร่งด่วน" in again.prompt.text.plain()


async def test_a_pin_before_report_starts_a_draft_that_holds_it(core: Core):
    reporter = await member(core, "D6604")

    answered = await drafting.locate(core, reporter, 16.44, 100.35)

    assert answered.opened is Opened.STARTED
    assert answered.prompt is not None and "ประเภทใด" in answered.prompt.text.plain()
    async with core.reading() as session:
        draft = await session.scalar(select(ReportDraft))
    assert draft is not None and draft.data["location_answered"] is True


async def test_an_answer_to_an_expired_draft_closes_it_and_says_so(core: Core, clock: ManualClock):
    reporter = await member(core, "D6604")
    await drafting.start(core, reporter)
    clock.advance(core.rules.draft_ttl + timedelta(minutes=1))

    answered = await drafting.write(core, reporter, "บ้านวังหลุม")

    assert answered.expired and answered.prompt is None
    assert await drafting.current(core, reporter) is None


async def test_abandoned_drafts_expire_once_and_tell_their_owners(core: Core, clock: ManualClock):
    reporter = await member(core, "D6604")
    started = await drafting.start(core, reporter)
    assert started is not None
    clock.advance(core.rules.draft_ttl - timedelta(minutes=1))
    assert await drafting.expire_abandoned(core) == []
    clock.advance(timedelta(minutes=2))

    expired = await drafting.expire_abandoned(core)

    assert [(e.draft_id, e.chat_id) for e in expired] == [
        (started.draft_id, reporter.telegram_user_id)
    ]
    assert await drafting.expire_abandoned(core) == []
    async with core.reading() as session:
        draft = await session.get_one(ReportDraft, started.draft_id)
    assert draft.status is DraftStatus.EXPIRED


async def test_cancel_ends_the_open_draft_and_then_finds_nothing(core: Core):
    reporter = await member(core, "D6604")
    await drafting.start(core, reporter)

    assert await drafting.cancel(core, reporter) is True
    assert await drafting.cancel(core, reporter) is False


async def test_a_whole_report_is_filed_once_from_its_review(core: Core):
    reporter = await member(core, "D6604")
    started = await drafting.start(core, reporter)
    assert started is not None
    prompt = started.prompt
    for value in ("flood", "most_urgent", "unknown", "6604"):
        answered = await press(core, reporter, prompt, value)
        assert answered.prompt is not None
        prompt = answered.prompt
    for typed in ("บ้านวังหลุม หมู่ 3", "ข้าม", "14.00", "น้ำท่วมบ้านเรือนสูงครึ่งเมตร", "บาดเจ็บ 2", "ข้าม"):
        answered = await drafting.write(core, reporter, typed)
        assert answered.problem is None, (typed, answered.problem)
        assert answered.prompt is not None
        prompt = answered.prompt
    review = await press(core, reporter, prompt, "done")
    assert review.prompt is not None
    review_actions = actions(review.prompt)
    confirm = next(a for a in review_actions if isinstance(a, ConfirmReport))
    assert any(isinstance(a, CancelReport) for a in review_actions)
    assert any(isinstance(a, EditField) and a.step is ReportStep.PLACE for a in review_actions)

    filed = await filing.confirm(core, reporter, confirm.token)
    again = await filing.confirm(core, reporter, confirm.token)

    assert filed.outcome is FileOutcome.FILED and filed.view is not None
    assert filed.view.place == "บ้านวังหลุม หมู่ 3" and filed.view.injured == 2
    assert again.outcome is FileOutcome.ALREADY_FILED and again.reference == filed.reference
    async with core.reading() as session:
        assert len((await session.scalars(select(Incident))).all()) == 1


async def test_editing_a_field_goes_back_to_it_and_offers_the_way_back(core: Core):
    reporter = await member(core, "D6604")
    started = await drafting.start(core, reporter)
    assert started is not None

    early = await drafting.edit(core, reporter, "nonsense", ReportStep.PLACE)

    assert early.stale  # not at the review: an old button

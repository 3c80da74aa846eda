"""The LINE side of the chaos run, without the program: the platform faults at its rate and the
figures count a card pushed twice to one user as a duplicate, and a reminder as no alert."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bench.chaos import line_figures
from bench.chaos.line import LINE_TOKEN, ChaosLinePlatform, LineFaultKind, platform
from bench.chaos.people import ReporterLog
from bot.line.messages import messages_of
from incidents.actions import AlertAction, AlertVerb, Button
from incidents.outbox.render import Method, Rendered
from incidents.text.rich import Text
from tests.fakes import FakeUser

REFERENCE = "PCT-2569-0007"
DESCRIPTION = "เหตุทดสอบความทนทานของระบบ รหัส chaos-R001-0-0"


@pytest.fixture
def line() -> Iterator[ChaosLinePlatform]:
    made = platform(seed=13, delay_seconds=0.0)
    with made:
        yield made


def card() -> dict[str, Any]:
    text = {"type": "text", "text": REFERENCE}
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [text]}}
    return {"type": "flex", "altText": f"ด่วนที่สุด {REFERENCE}", "contents": bubble}


def reminder_as_the_program_sends_it() -> dict[str, Any]:
    """A reminder drawn by the program's own LINE code: a Flex bubble with รับทราบ (a LINE
    text message carries no buttons), its words only in altText and the bubble."""
    ack = Button(label="รับทราบ", action=AlertAction(incident_id=7, verb=AlertVerb.ACKNOWLEDGE))
    words = Text(f"เตือนครั้งที่ 1: เหตุ {REFERENCE} ยังไม่มีผู้รับทราบ")
    [message] = messages_of(Rendered(Method.TEXT, text=words, buttons=((ack,),))) or []
    drawn: dict[str, Any] = message.to_dict()
    assert drawn["type"] == "flex"
    return drawn


def push(line: ChaosLinePlatform, to: str, *messages: dict[str, Any], key: str) -> int:
    """The push's status; 0 when its answer was lost."""
    try:
        answer = httpx.post(
            f"{line.api_url}/v2/bot/message/push",
            json={"to": to, "messages": list(messages)},
            headers={"Authorization": f"Bearer {LINE_TOKEN}", "X-Line-Retry-Key": key},
        )
    except httpx.HTTPError:
        return 0
    return answer.status_code


def figures(
    line: ChaosLinePlatform, user_id: str, since: int, confirmed: float | None = None
) -> line_figures.LineFigures:
    """The figures for one incident confirmed at `confirmed` (time.monotonic; None: no delay
    to measure)."""
    log = ReporterLog(FakeUser(1, "R001"))
    if confirmed is not None:
        log.confirms["chaos-R001-0-0"] = [confirmed]
    return line_figures.compute(
        line, {"E5": user_id}, [log], {REFERENCE: DESCRIPTION}, since, [], set()
    )


def test_a_retried_push_with_its_key_is_one_alert_and_a_reminder_is_none(line):
    user = line.add_user("chaos E5")
    since, confirmed = line.mark(), time.monotonic()
    key = str(uuid.uuid4())
    reminder = {"type": "text", "text": f"เตือนครั้งที่ 1: เหตุ {REFERENCE} ยังไม่มีผู้รับทราบ"}

    assert push(line, user.user_id, card(), key=key) == 200
    assert push(line, user.user_id, card(), key=key) == 409
    assert push(line, user.user_id, reminder, card(), key=str(uuid.uuid4())) == 200
    counted = figures(line, user.user_id, since, confirmed)

    assert (counted.expected, counted.delivered, counted.duplicates) == (1, 1, 0)
    assert (counted.pushes, counted.conflicts) == (3, 1)
    assert 0 < counted.max_delay < 60
    assert counted.failures() == []


def test_a_reminder_drawn_as_a_flex_bubble_is_no_second_alert(line):
    # The full run of 2026-12-03 counted every LINE reminder as a duplicate card.
    user = line.add_user("chaos E5")
    since = line.mark()
    assert push(line, user.user_id, card(), key=str(uuid.uuid4())) == 200
    reminder = reminder_as_the_program_sends_it()
    assert push(line, user.user_id, reminder, key=str(uuid.uuid4())) == 200
    counted = figures(line, user.user_id, since)

    assert (counted.expected, counted.delivered, counted.duplicates) == (1, 1, 0)
    assert counted.failures() == []


def test_a_card_pushed_twice_under_two_keys_is_a_duplicate_and_breaks_the_threshold(line):
    user = line.add_user("chaos E5")
    since = line.mark()

    push(line, user.user_id, card(), key=str(uuid.uuid4()))
    push(line, user.user_id, card(), key=str(uuid.uuid4()))
    counted = figures(line, user.user_id, since)

    assert counted.duplicates == 1
    assert counted.failures() == ["duplicate LINE alerts = 1 (must be 0)"]
    assert counted.problems[0].startswith(f"duplicate: {REFERENCE} to E5, 2 cards")


def test_an_alert_never_pushed_is_missing(line):
    user = line.add_user("chaos E5")

    counted = figures(line, user.user_id, line.mark())

    assert (counted.expected, counted.missing) == (1, 1)
    assert counted.failures() == ["LINE alerts missing = 1 (must be 0)"]


def test_at_the_full_rate_every_push_is_faulted_and_counted_by_kind(line):
    user = line.add_user("chaos E5")
    line.set_rate(1.0)

    statuses = [push(line, user.user_id, card(), key=str(uuid.uuid4())) for _ in range(40)]

    counts = line.fault_counts()
    assert sum(counts.values()) == 40
    assert set(counts) == {kind.value for kind in LineFaultKind}
    assert {0, 200, 429, 500} == set(statuses)  # lost; delayed; refused; refused or after

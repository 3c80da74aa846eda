"""Postback data: every action family round-trips, forged data decodes to None."""

from __future__ import annotations

import pytest

from bot.line.codec import MAX_DATA, decode, encode
from incidents.actions import (
    AcknowledgeInstruction,
    AlertAction,
    AlertVerb,
    AnswerRequest,
    CancelReport,
    Choose,
    ChooseReach,
    ConfirmReport,
    DrillAction,
    DrillGroup,
    DrillVerb,
    EditField,
    ThreadAction,
    ThreadVerb,
)
from storage.models import IncidentStatus, Reach, ReportStep

ACTIONS = [
    *(AlertAction(incident_id=123456789012, verb=verb) for verb in AlertVerb),
    Choose(token="a" * 16, step=next(iter(ReportStep)), value="flood"),
    EditField(token="tok", step=next(iter(ReportStep))),
    ConfirmReport(token="tok"),
    CancelReport(token="tok"),
    ThreadAction(incident_id=7, verb=ThreadVerb.STATUS, status=IncidentStatus.RESOLVED),
    ThreadAction(incident_id=7, verb=ThreadVerb.NEWS),
    AcknowledgeInstruction(instruction_id=5),
    AnswerRequest(request_id=6),
    ChooseReach(reach=Reach.LINE),
    DrillAction(verb=DrillVerb.START, group=DrillGroup.EXECUTIVES, minutes=30),
    DrillAction(verb=DrillVerb.END, drill_id=3),
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: f"{a.kind}")
def test_every_action_round_trips_within_line_s_limit(action):
    data = encode(action)

    assert len(data) <= MAX_DATA
    assert decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "a|1|ack",  # Telegram's form is not LINE's
        '1{"kind":"alert","incident_id":1,"verb":"delete"}',
        '1{"kind":"alert","incident_id":"x","verb":"ack"}',
        '1{"kind":"alert","incident_id":1,"verb":"ack","admin":true}',
        '1{"kind":"alert","verb":"ack"}',
        '1{"kind":"nuke"}',
        '2{"kind":"alert","incident_id":1,"verb":"ack"}',
        "1{not json",
        "1[]",
        '1{"kind":"alert","incident_id":1,"verb":"ack"}' + " " * 300,
    ],
)
def test_forged_or_malformed_data_decodes_to_none(data):
    assert decode(data) is None

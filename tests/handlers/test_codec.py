"""The one codec between button actions and callback_data, and Telegram's HTML."""

from __future__ import annotations

import pytest

from handlers import codec, markup
from incidents.actions import (
    AcknowledgeInstruction,
    AlertAction,
    AlertVerb,
    AnswerRequest,
    Button,
    CancelReport,
    Choose,
    ChooseReach,
    ConfirmReport,
    EditField,
    ThreadAction,
    ThreadVerb,
)
from incidents.text.rich import Text, b, link
from storage.models import IncidentStatus, Reach, ReportStep

EVERY_FAMILY = [
    Choose(token="a1b2c3d4", step=ReportStep.DISTRICT, value="6604"),
    EditField(token="a1b2c3d4", step=ReportStep.PLACE),
    ConfirmReport(token="a1b2c3d4"),
    CancelReport(token="a1b2c3d4"),
    *(AlertAction(incident_id=123456789012, verb=verb) for verb in AlertVerb),
    *(ThreadAction(incident_id=7, verb=verb) for verb in ThreadVerb if verb != ThreadVerb.STATUS),
    *(
        ThreadAction(incident_id=7, verb=ThreadVerb.STATUS, status=status)
        for status in IncidentStatus
    ),
    AcknowledgeInstruction(instruction_id=42),
    AnswerRequest(request_id=43),
    ChooseReach(reach=Reach.LINE),
]


@pytest.mark.parametrize("action", EVERY_FAMILY, ids=lambda a: codec.encode(a))
def test_every_action_survives_the_round_trip_within_64_bytes(action):
    data = codec.encode(action)

    assert len(data.encode("utf-8")) <= 64
    assert codec.decode(data) == action


def test_buttons_sent_before_the_codec_still_decode():
    assert codec.decode("t|1|menu") == ThreadAction(incident_id=1, verb=ThreadVerb.MENU)
    assert codec.decode("a|1|ack") == AlertAction(incident_id=1, verb=AlertVerb.ACKNOWLEDGE)
    assert codec.decode("r|ab12|review|confirm") == ConfirmReport(token="ab12")


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "x",
        "a|1",
        "a|1|nuke",
        "a|-1|ack",
        "a|9999999999999|ack",
        "t|1|st:burnt",
        "r||x|y",
        "r|tok|nostep|1",
        "i|one",
        "q|",
        "a|1|ack|extra",
    ],
)
def test_forged_or_malformed_data_decodes_to_nothing(forged):
    assert codec.decode(forged) is None


def test_patterns_match_their_families_only():
    alerts = codec.pattern(AlertAction)

    assert alerts.match("a|1|ack") and not alerts.match("t|1|menu")
    assert codec.pattern(Choose, ConfirmReport).match("r|x|review|confirm")


def test_html_escapes_every_run_and_keeps_the_styles():
    text = Text("<script>", b("a & b"), " ", link("ลิงก์", 'https://x.go.th/?q="1"'))

    assert markup.html(text) == (
        '&lt;script&gt;<b>a &amp; b</b> <a href="https://x.go.th/?q=&quot;1&quot;">ลิงก์</a>'
    )


def test_a_keyboard_carries_encoded_actions_and_addresses():
    ack = Button(label="รับทราบ", action=AlertAction(incident_id=3, verb=AlertVerb.ACKNOWLEDGE))
    web = Button(label="เว็บ", url="https://x.go.th/incidents/PCT-2569-0003")

    board = markup.keyboard(((ack,), (web,)))

    assert board is not None
    assert board.inline_keyboard[0][0].callback_data == "a|3|ack"
    assert board.inline_keyboard[1][0].url == "https://x.go.th/incidents/PCT-2569-0003"
    assert markup.keyboard(()) is None


def test_drill_console_buttons_round_trip():
    from incidents.actions import DrillAction, DrillGroup, DrillVerb

    for action in (
        DrillAction(verb=DrillVerb.START, group=DrillGroup.EXECUTIVES, minutes=30),
        DrillAction(verb=DrillVerb.END, drill_id=7),
        DrillAction(verb=DrillVerb.REPORT, drill_id=7),
    ):
        assert codec.decode(codec.encode(action)) == action
    assert codec.decode("d|start|nobody|30") is None
    assert codec.decode("d|start|7") is None

"""The one codec between the core's button actions and Telegram's callback_data.

Every inline button the bot sends is encoded here, and every button press is decoded here;
handlers register with `pattern(...)` of the families they take. The strings stay short (the
Bot API allows 64 bytes) and stable, so buttons on messages sent long ago still work:

    r|<draft token>|<step>|<value>   a choice in a report draft
    r|<draft token>|edit|<step>      change one field from the review
    r|<draft token>|review|confirm   file the draft            (|review|cancel drops it)
    a|<incident id>|ack|instruct|info   under an alert
    l|<incident id>|<other id>       link the alert's incident with a related one
    t|<incident id>|<verb>           the thread (t|<id>|st:<status> sets a status)
    i|<instruction id>               acknowledge an instruction
    q|<request id>                   answer a request for information
    d|start|<group>|<minutes>        start a drill (admins)   d|end|<id>, d|report|<id>
    c|<all|telegram|line>            choose one's own channels (/channels)
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from incidents.actions import (
    AcknowledgeInstruction,
    AlertAction,
    AlertVerb,
    AnswerRequest,
    ButtonAction,
    CancelReport,
    Choose,
    ChooseReach,
    ConfirmReport,
    DrillAction,
    DrillGroup,
    DrillVerb,
    EditField,
    LinkIncidents,
    ThreadAction,
    ThreadVerb,
)
from storage.models import IncidentStatus, Reach, ReportStep

MAX_BYTES = 64
_ID = re.compile(r"^\d{1,12}$")
_PREFIXES: dict[type, str] = {
    Choose: "r",
    EditField: "r",
    ConfirmReport: "r",
    CancelReport: "r",
    AlertAction: "a",
    LinkIncidents: "l",
    ThreadAction: "t",
    AcknowledgeInstruction: "i",
    AnswerRequest: "q",
    ChooseReach: "c",
    DrillAction: "d",
}


def encode(action: ButtonAction) -> str:
    """The callback_data of a button."""
    match action:
        case Choose(token=token, step=step, value=value):
            data = f"r|{token}|{step.value}|{value}"
        case EditField(token=token, step=step):
            data = f"r|{token}|edit|{step.value}"
        case ConfirmReport(token=token):
            data = f"r|{token}|review|confirm"
        case CancelReport(token=token):
            data = f"r|{token}|review|cancel"
        case AlertAction(incident_id=incident_id, verb=verb):
            data = f"a|{incident_id}|{verb.value}"
        case LinkIncidents(incident_id=incident_id, other_id=other_id):
            data = f"l|{incident_id}|{other_id}"
        case ThreadAction(incident_id=incident_id, verb=ThreadVerb.STATUS, status=status):
            assert status is not None
            data = f"t|{incident_id}|st:{status.value}"
        case ThreadAction(incident_id=incident_id, verb=verb):
            data = f"t|{incident_id}|{verb.value}"
        case AcknowledgeInstruction(instruction_id=instruction_id):
            data = f"i|{instruction_id}"
        case AnswerRequest(request_id=request_id):
            data = f"q|{request_id}"
        case ChooseReach(reach=reach):
            data = f"c|{reach.value}"
        case DrillAction(verb=DrillVerb.START, group=group, minutes=minutes):
            assert group is not None and minutes is not None
            data = f"d|start|{group.value}|{minutes}"
        case DrillAction(verb=verb, drill_id=drill_id):
            data = f"d|{verb.value}|{drill_id}"
    assert len(data.encode("utf-8")) <= MAX_BYTES, data
    return data


def decode(data: str) -> ButtonAction | None:
    """The action a pressed button carries; None for anything malformed or forged."""
    parts = data.split("|")
    try:
        match parts:
            case ["r", token, "review", "confirm"] if token:
                return ConfirmReport(token=token)
            case ["r", token, "review", "cancel"] if token:
                return CancelReport(token=token)
            case ["r", token, "edit", step] if token:
                return EditField(token=token, step=ReportStep(step))
            case ["r", token, step, value] if token and value:
                return Choose(token=token, step=ReportStep(step), value=value)
            case ["a", number, verb] if _ID.match(number):
                return AlertAction(incident_id=int(number), verb=AlertVerb(verb))
            case ["l", number, other] if _ID.match(number) and _ID.match(other):
                return LinkIncidents(incident_id=int(number), other_id=int(other))
            case ["t", number, verb] if _ID.match(number):
                return _thread(int(number), verb)
            case ["i", number] if _ID.match(number):
                return AcknowledgeInstruction(instruction_id=int(number))
            case ["q", number] if _ID.match(number):
                return AnswerRequest(request_id=int(number))
            case ["c", reach]:
                return ChooseReach(reach=Reach(reach))
            case ["d", "start", group, minutes] if _ID.match(minutes):
                return DrillAction(
                    verb=DrillVerb.START, group=DrillGroup(group), minutes=int(minutes)
                )
            case ["d", verb, number] if _ID.match(number) and verb != "start":
                return DrillAction(verb=DrillVerb(verb), drill_id=int(number))
    except (ValueError, ValidationError):
        return None
    return None


def _thread(incident_id: int, verb: str) -> ThreadAction:
    if verb.startswith("st:"):
        status = IncidentStatus(verb[3:])
        return ThreadAction(incident_id=incident_id, verb=ThreadVerb.STATUS, status=status)
    return ThreadAction(incident_id=incident_id, verb=ThreadVerb(verb))


def pattern(*families: type) -> re.Pattern[str]:
    """The callback_data pattern of the given action families, for a handler's registration."""
    prefixes = sorted({_PREFIXES[family] for family in families})
    return re.compile(rf"^(?:{'|'.join(prefixes)})\|")

"""What a button does, as values of the core. A channel adapter alone turns them into its own
button data (Telegram's callback_data, LINE's postback data) and back.

Each family is a small frozen model; `ButtonAction` is their union, stored as JSON in outbox
rows by its `kind`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from storage.models import IncidentStatus, Reach, ReportStep


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- the report conversation
class Choose(_Action):
    """A choice at a step of a report draft (`value` is the choice's key)."""

    kind: Literal["report.choose"] = "report.choose"
    token: str
    step: ReportStep
    value: str


class EditField(_Action):
    """From the review, go back to one field of the draft."""

    kind: Literal["report.edit"] = "report.edit"
    token: str
    step: ReportStep


class ConfirmReport(_Action):
    """File the draft."""

    kind: Literal["report.confirm"] = "report.confirm"
    token: str


class CancelReport(_Action):
    """Drop the draft."""

    kind: Literal["report.cancel"] = "report.cancel"
    token: str


# -------------------------------------------------------------------- under an alert
class AlertVerb(StrEnum):
    """The buttons under an alert."""

    ACKNOWLEDGE = "ack"
    INSTRUCT = "instruct"
    REQUEST_INFO = "info"


class AlertAction(_Action):
    """A button under an alert (or a reminder) of one incident."""

    kind: Literal["alert"] = "alert"
    incident_id: int
    verb: AlertVerb


class LinkIncidents(_Action):
    """Under an alert: link its incident with one the alert named as maybe the same event."""

    kind: Literal["incident.link"] = "incident.link"
    incident_id: int
    other_id: int


# -------------------------------------------------------------------- the thread
class ThreadVerb(StrEnum):
    """The buttons of an incident's thread."""

    MENU = "menu"
    NEWS = "news"
    DONE = "done"
    STATUS = "st"
    CLOSE = "close"
    INSTRUCT = "instruct"
    REQUEST_INFO = "info"
    NO_QUESTION = "noq"
    REOPEN = "reopen"


class ThreadAction(_Action):
    """A button of an incident's thread (`status` for STATUS only)."""

    kind: Literal["thread"] = "thread"
    incident_id: int
    verb: ThreadVerb
    status: IncidentStatus | None = None


class AcknowledgeInstruction(_Action):
    """The reporter's side confirms an instruction."""

    kind: Literal["instruction.ack"] = "instruction.ack"
    instruction_id: int


class AnswerRequest(_Action):
    """The reporter's side starts answering a request for information."""

    kind: Literal["request.answer"] = "request.answer"
    request_id: int


# ---------------------------------------------------------------- one's own channels
class ChooseReach(_Action):
    """The person chooses which of their bound channels alerts and instructions reach."""

    kind: Literal["roster.reach"] = "roster.reach"
    reach: Reach


# ---------------------------------------------------------------- drills (admins)
class DrillVerb(StrEnum):
    """What a button of the /drill console does."""

    START = "start"
    END = "end"
    REPORT = "report"


class DrillGroup(StrEnum):
    """Who a drill started from the bot takes part."""

    EVERYONE = "all"  # every active person on the roster
    EXECUTIVES = "exec"  # the executives and admins only


class DrillAction(_Action):
    """A button of the /drill console: start (a group, for some minutes), end, report."""

    kind: Literal["drill"] = "drill"
    verb: DrillVerb
    group: DrillGroup | None = None
    minutes: int | None = None
    drill_id: int | None = None


ButtonAction: TypeAlias = Annotated[
    Choose
    | EditField
    | ConfirmReport
    | CancelReport
    | AlertAction
    | LinkIncidents
    | ThreadAction
    | AcknowledgeInstruction
    | AnswerRequest
    | ChooseReach
    | DrillAction,
    Field(discriminator="kind"),
]
ACTIONS: TypeAdapter[ButtonAction] = TypeAdapter(ButtonAction)


class Button(BaseModel):
    """A button under a message: an action, or a web address to open."""

    model_config = ConfigDict(frozen=True)

    label: str
    action: ButtonAction | None = None
    url: str | None = None


# Rows of buttons under one message.
Buttons: TypeAlias = tuple[tuple[Button, ...], ...]


class ReplyKeyboard(StrEnum):
    """The keyboard a message sets in place of the person's own (a channel draws it)."""

    # Leave whatever keyboard the person has.
    NONE = "none"
    # The persistent menu with the report button.
    MAIN_MENU = "main_menu"
    # Share-location and skip (only a keyboard of this kind can ask for a location).
    LOCATION = "location"
    # Take the bot's keyboard away.
    REMOVE = "remove"

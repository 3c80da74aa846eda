"""Who may do what with an incident: the one permission model of the bot and the web log.

A person's standing towards an incident is what decides: their roles, whether the incident is
their own agency's, and whether (and why) its alert reached them.

Columns: R = a reporter of the incident's own agency; E = an executive its alert reached;
C = an escalation contact without the executive role (alerted because nobody acknowledged);
X = an executive its alert did not reach; A = an admin.

| action                                                  | R   | E   | C   | X   | A   |
| ------------------------------------------------------- | --- | --- | --- | --- | --- |
| view it (bot menu, web page, its files and CAP)         | yes | yes | yes | yes | yes |
| acknowledge the alert                                   | -   | yes | yes | -   | -   |
| instruct, request information                           | -   | yes | -   | -   | -   |
| change the status, close                                | yes | yes | -   | -   | -   |
| reopen a closed incident                                | -   | yes | -   | -   | -   |
| send news, answer a request, acknowledge an instruction | yes | -   | -   | -   | -   |
| link it with a related incident, undo a link            | -   | yes | -   | yes | yes |

A reporter of another agency may do nothing with the incident, not even learn that it exists.
An escalation contact is told because nobody acknowledged in time: they may see the incident and
acknowledge it (which stops the reminders), but directing the response is for executives, so
without the executive role they may not instruct, ask, change the status, close or reopen.
News, instructions, requests and status changes need an open incident; reopening a closed one.
Linking two reports of one event is for those who see every incident (executives and admins),
whether or not the alert reached them; it needs both incidents, of the same series (two real
incidents, or two of one drill).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import RecipientRole, Role


class Action(StrEnum):
    """Everything a person can do with one incident, in the bot or on the web."""

    VIEW = "view"
    ACKNOWLEDGE = "acknowledge"
    INSTRUCT = "instruct"
    REQUEST_INFO = "request_info"
    ANSWER_INFO = "answer_info"
    ACKNOWLEDGE_INSTRUCTION = "acknowledge_instruction"
    POST_UPDATE = "post_update"
    CHANGE_STATUS = "change_status"
    CLOSE = "close"
    REOPEN = "reopen"
    LINK = "link"


class Refusal(StrEnum):
    """Why an action was refused (each has one Thai message)."""

    NOT_FOUND = "not_found"  # cannot see it: its existence is not confirmed either
    NOT_ALLOWED = "not_allowed"
    NOT_RECIPIENT = "not_recipient"
    CLOSED = "closed"
    NOT_CLOSED = "not_closed"
    # Not a permission: the incident is in that status already.
    SAME_STATUS = "same_status"
    # Not a permission: a link needs two incidents of one series (real, or one drill's).
    NOT_LINKABLE = "not_linkable"


@dataclass(frozen=True, slots=True)
class Standing:
    """A person's standing towards one incident."""

    roles: frozenset[Role]
    own_agency: bool
    # Why the incident's alert reached the person; None when it did not.
    recipient: RecipientRole | None = None
    closed: bool = False

    @property
    def reporter_side(self) -> bool:
        """A reporter of the incident's own agency."""
        return Role.REPORTER in self.roles and self.own_agency

    @property
    def directing(self) -> bool:
        """An executive the alert reached: may direct the response."""
        return Role.EXECUTIVE in self.roles and self.recipient is not None


# Actions whose permission rests on having received the alert (a refusal says so).
_RECIPIENT_ACTIONS = frozenset(
    {Action.ACKNOWLEDGE, Action.INSTRUCT, Action.REQUEST_INFO, Action.REOPEN}
)
_OPEN_ONLY = frozenset(
    {
        Action.INSTRUCT,
        Action.REQUEST_INFO,
        Action.POST_UPDATE,
        Action.CHANGE_STATUS,
        Action.CLOSE,
    }
)


def sees_everything(roles: frozenset[Role]) -> bool:
    """Executives and admins see every incident; others their agency's and those alerted to
    them."""
    return Role.EXECUTIVE in roles or Role.ADMIN in roles


def may_view(standing: Standing) -> bool:
    """Whether the person may see the incident at all."""
    alerted = standing.recipient is not None
    return sees_everything(standing.roles) or standing.reporter_side or alerted


def _permitted(action: Action, s: Standing) -> bool:
    match action:
        case Action.VIEW:
            return may_view(s)
        case Action.ACKNOWLEDGE:
            return s.recipient is not None
        case Action.INSTRUCT | Action.REQUEST_INFO | Action.REOPEN:
            return s.directing
        case Action.CHANGE_STATUS | Action.CLOSE:
            return s.reporter_side or s.directing
        case Action.POST_UPDATE | Action.ANSWER_INFO | Action.ACKNOWLEDGE_INSTRUCTION:
            return s.reporter_side
        case Action.LINK:
            return sees_everything(s.roles)
    return False


def refusal(action: Action, standing: Standing) -> Refusal | None:
    """Why `action` is refused to a person of this standing, or None when it is allowed."""
    if not may_view(standing):
        return Refusal.NOT_FOUND
    if not _permitted(action, standing):
        # An executive the alert did not reach would be allowed had it reached them: say so.
        executive = Role.EXECUTIVE in standing.roles
        if action in _RECIPIENT_ACTIONS and executive and standing.recipient is None:
            return Refusal.NOT_RECIPIENT
        return Refusal.NOT_ALLOWED
    if action in _OPEN_ONLY and standing.closed:
        return Refusal.CLOSED
    if action is Action.REOPEN and not standing.closed:
        return Refusal.NOT_CLOSED
    return None


def permits(action: Action, standing: Standing) -> bool:
    """Whether a person of this standing may take `action` now."""
    return refusal(action, standing) is None

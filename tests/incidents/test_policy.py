"""The permission model as a matrix: every action × every role × recipient or not × own agency
or not, against the table the README and incidents/policy.py write down."""

from __future__ import annotations

import itertools

import pytest

from incidents.policy import Action, Refusal, Standing, permits, refusal
from storage.models import RecipientRole, Role

R, E, A = Role.REPORTER, Role.EXECUTIVE, Role.ADMIN
ROLE_SETS: dict[str, frozenset[Role]] = {
    "reporter": frozenset({R}),
    "executive": frozenset({E}),
    "admin": frozenset({A}),
    "reporter+admin": frozenset({R, A}),
    "reporter+executive": frozenset({R, E}),
}
RECIPIENTS: dict[str, RecipientRole | None] = {
    "not alerted": None,
    "alerted": RecipientRole.EXECUTIVE,
    "escalation": RecipientRole.ESCALATION,
}

# The written table, read literally: who may do what with an OPEN incident.
# Keys: (roles, recipient, own agency) -> the actions allowed.
REPORTER_SIDE = {
    Action.VIEW,
    Action.POST_UPDATE,
    Action.ANSWER_INFO,
    Action.ACKNOWLEDGE_INSTRUCTION,
    Action.CHANGE_STATUS,
    Action.CLOSE,
}
DIRECTING = {
    Action.VIEW,
    Action.ACKNOWLEDGE,
    Action.INSTRUCT,
    Action.REQUEST_INFO,
    Action.CHANGE_STATUS,
    Action.CLOSE,
    Action.REOPEN,
}
ESCALATION_CONTACT = {Action.VIEW, Action.ACKNOWLEDGE}
# Those who see every incident may link two reports of one event, alerted or not.
SEEING_ALL = {Action.VIEW, Action.LINK}


def expected(roles: str, recipient: str, own: bool) -> set[Action]:
    """What the table in incidents/policy.py allows (REOPEN listed for executives; it needs a closed
    incident, checked separately)."""
    role_set = ROLE_SETS[roles]
    allowed: set[Action] = set()
    alerted = RECIPIENTS[recipient] is not None
    if R in role_set and own:
        allowed |= REPORTER_SIDE
    if E in role_set and alerted:
        allowed |= DIRECTING
    elif alerted:
        allowed |= ESCALATION_CONTACT
    if E in role_set or A in role_set:
        allowed |= SEEING_ALL
    return allowed


CASES = list(itertools.product(ROLE_SETS, RECIPIENTS, (True, False), list(Action)))


@pytest.mark.parametrize(("roles", "recipient", "own", "action"), CASES)
def test_each_action_for_each_standing_on_an_open_incident(roles, recipient, own, action):
    standing = Standing(ROLE_SETS[roles], own, RECIPIENTS[recipient], closed=False)
    # Reopening needs a closed incident.
    allowed = expected(roles, recipient, own) - {Action.REOPEN}
    assert permits(action, standing) == (action in allowed)


AFTER_CLOSING = {
    Action.VIEW,
    Action.ACKNOWLEDGE,
    Action.ANSWER_INFO,
    Action.ACKNOWLEDGE_INSTRUCTION,
    Action.REOPEN,
    Action.LINK,  # a later report may be the same event as one already closed
}


@pytest.mark.parametrize(("roles", "recipient", "own", "action"), CASES)
def test_on_a_closed_incident_only_reopening_and_answers_remain(roles, recipient, own, action):
    standing = Standing(ROLE_SETS[roles], own, RECIPIENTS[recipient], closed=True)
    allowed = expected(roles, recipient, own) & AFTER_CLOSING
    assert permits(action, standing) == (action in allowed)


def test_another_agencys_reporter_is_not_told_the_incident_exists():
    stranger_to_it = Standing(frozenset({R}), own_agency=False)
    assert {refusal(a, stranger_to_it) for a in Action} == {Refusal.NOT_FOUND}


def test_an_escalation_contact_sees_and_acknowledges_but_does_not_direct():
    palat = Standing(frozenset({R}), own_agency=False, recipient=RecipientRole.ESCALATION)
    allowed = {a for a in Action if permits(a, palat)}
    assert allowed == {Action.VIEW, Action.ACKNOWLEDGE}
    assert refusal(Action.INSTRUCT, palat) is Refusal.NOT_ALLOWED
    assert refusal(Action.CLOSE, palat) is Refusal.NOT_ALLOWED


def test_an_executive_the_alert_did_not_reach_is_told_why():
    latecomer = Standing(frozenset({E}), own_agency=False)
    assert permits(Action.VIEW, latecomer)
    assert refusal(Action.INSTRUCT, latecomer) is Refusal.NOT_RECIPIENT
    assert refusal(Action.ACKNOWLEDGE, latecomer) is Refusal.NOT_RECIPIENT


def test_a_person_with_no_role_may_do_nothing():
    nobody = Standing(frozenset(), own_agency=True, recipient=None)
    assert not any(permits(a, nobody) for a in Action)

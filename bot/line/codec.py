"""The one codec between the core's button actions and LINE's postback data.

LINE allows 300 characters of postback data, far more than Telegram's 64 bytes, so the data
is the action's own JSON (its `kind` and fields, no spaces) after a version mark:

    1{"kind":"alert","incident_id":42,"verb":"ack"}

Decoding validates it against the actions' schema (unknown kinds, extra or missing fields,
wrong types, anything over the limit): forged or stale data decodes to None, never raises.
Whether the person pressing may do the action is the core's check, as for Telegram.
"""

from __future__ import annotations

from pydantic import ValidationError

from incidents.actions import ACTIONS, ButtonAction

MAX_DATA = 300  # LINE's limit on postback data, in characters
VERSION = "1"


def encode(action: ButtonAction) -> str:
    """The postback data of a button."""
    data = VERSION + ACTIONS.dump_json(action, exclude_none=True).decode("utf-8")
    assert len(data) <= MAX_DATA, data
    return data


def decode(data: str) -> ButtonAction | None:
    """The action a pressed button carries; None for anything malformed or forged."""
    if not data.startswith(VERSION) or len(data) > MAX_DATA:
        return None
    try:
        return ACTIONS.validate_json(data[len(VERSION) :])
    except (ValidationError, ValueError):
        return None

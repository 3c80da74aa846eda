"""Invitation codes as they are drawn."""

from __future__ import annotations

import secrets

from incidents.roster import invites


def test_codes_never_begin_with_a_character_a_spreadsheet_reads_as_a_formula(monkeypatch):
    drawn = iter(["-starts-with-minus", "_underscore", "Good_code-1"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))

    assert invites.new_code() == "Good_code-1"

"""Every reason the policy can give for a refusal has its one Thai message."""

from __future__ import annotations

from incidents.policy import Refusal
from incidents.text.thread import REFUSALS


def test_every_refusal_reason_has_one_thai_message():
    assert set(REFUSALS) == set(Refusal)
    assert len(set(REFUSALS.values())) == len(Refusal)
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in text) for text in REFUSALS.values())

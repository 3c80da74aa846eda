"""Telegram's errors as the outcomes the delivery loop knows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.senders.telegram import outcome_of
from incidents.outbox.delivery import OutcomeKind


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), OutcomeKind.UNREACHABLE),
        (BadRequest("Bad Request: chat not found"), OutcomeKind.UNREACHABLE),
        (BadRequest("Bad Request: message is not modified"), OutcomeKind.UNCHANGED),
        (BadRequest("Bad Request: message to edit not found"), OutcomeKind.UNCHANGED),
        (BadRequest("Bad Request: can't parse entities"), OutcomeKind.REFUSED),
        (TimedOut(), OutcomeKind.TRANSIENT),
        (NetworkError("Bad Gateway"), OutcomeKind.TRANSIENT),
        (TelegramError("something new"), OutcomeKind.UNEXPECTED),
    ],
)
def test_each_error_class_has_its_outcome(error: TelegramError, kind: OutcomeKind):
    assert outcome_of(error).kind is kind


def test_a_flood_limit_carries_the_delay_telegram_asked_for():
    outcome = outcome_of(RetryAfter(7))

    assert outcome.kind is OutcomeKind.RETRY_AFTER
    assert outcome.retry_after == timedelta(seconds=7)


def test_an_unreachable_chat_keeps_telegrams_reason():
    assert outcome_of(Forbidden("Forbidden: user is deactivated")).error == (
        "Forbidden: user is deactivated"
    )

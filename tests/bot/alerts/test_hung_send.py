"""A send that hangs holds only its own lane: other chats, and other incidents, go on."""

from __future__ import annotations

from sqlalchemy import select

from bot.senders import telegram as telegram_sender
from storage.models import Delivery, DeliveryKind, DeliveryStatus
from tests.fakes import Call
from tests.support.harness import Harness
from tests.support.reporting import ReportAnswers, alerts_in, file_report, own_reference

FIRST, SECOND = "PCT-2569-0001", "PCT-2569-0002"
HANG_S = 8.0  # within the read timeout: the answer comes, late


def calls_to(bot: Harness, method: str, chat_id: int) -> list[Call]:
    return [c for c in bot.api.calls(method) if int(c.params["chat_id"]) == chat_id]


def alert_call(bot: Harness, chat_id: int, reference: str) -> Call:
    [call] = [
        c
        for c in calls_to(bot, "sendMessage", chat_id)
        if own_reference(c.params.get("text", "")) == reference
        and "เกิดเหตุ" in c.params.get("text", "")
    ]
    return call


async def alert_status(bot: Harness, chat_id: int) -> list[DeliveryStatus]:
    """The statuses of the alert rows to a chat, oldest first."""
    async with bot.runtime.db.read() as session:
        rows = await session.scalars(
            select(Delivery.status)
            .where(Delivery.chat_id == chat_id, Delivery.kind == DeliveryKind.ALERT)
            .order_by(Delivery.id)
        )
        return list(rows)


async def test_a_hung_alert_holds_neither_other_chats_nor_the_next_incident(bot: Harness):
    assert telegram_sender.SEND_TIMEOUTS["read_timeout"] > HANG_S
    executives = await bot.join_executives()
    reporters = [await bot.join(2001, "D6604"), await bot.join(2002, "D6601")]
    hung = executives[0]
    bot.api.delay("sendMessage", HANG_S, times=1, chat_id=hung.id)

    await file_report(bot, reporters[0], ReportAnswers(photos=1))
    others = executives[1:]
    # Everyone else gets the alert and its follow-ups (location, photo) while it hangs.
    await bot.api.wait_until(
        lambda: all(
            calls_to(bot, "sendPhoto", e.id) and calls_to(bot, "sendLocation", e.id) for e in others
        ),
        timeout=HANG_S,
        what="the other executives' follow-ups",
    )
    assert alert_call(bot, hung.id, FIRST)  # made, and its answer has not come yet:
    assert await alert_status(bot, hung.id) == [DeliveryStatus.PENDING]
    assert not calls_to(bot, "sendLocation", hung.id) and not calls_to(bot, "sendPhoto", hung.id)

    # A second incident's alert to the same executive does not wait behind the first.
    await file_report(bot, reporters[1], ReportAnswers(photos=0))
    await bot.api.wait_until(
        lambda: alerts_in(bot, hung.id, SECOND), timeout=HANG_S, what="the second alert"
    )
    assert (await alert_status(bot, hung.id))[0] is DeliveryStatus.PENDING  # still hanging

    await bot.api.wait_until(
        lambda: calls_to(bot, "sendPhoto", hung.id), timeout=HANG_S + 10, what="the late photo"
    )
    await bot.drain()
    first = alert_call(bot, hung.id, FIRST)
    assert first.ok and first.delayed == HANG_S
    # The alert came before its own follow-ups, and each copy once.
    assert min(c.seq for c in calls_to(bot, "sendPhoto", hung.id)) > first.seq
    for executive in executives:
        assert len(alerts_in(bot, executive.id, FIRST)) == 1
        assert len(alerts_in(bot, executive.id, SECOND)) == 1

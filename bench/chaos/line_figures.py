"""The LINE figures of the chaos run, and how each is defined.

- **LINE alerts expected / delivered**: (incident, executive on LINE) pairs, and those with at
  least one alert card that reached the user (a Flex message naming the reference, pushed in a
  request that is not a reminder).
- **LINE alerts missing**: expected pairs with no card.
- **duplicate LINE alerts**: cards beyond the first per pair. Every push carries its delivery's
  retry key, so a retry after a lost answer, a 500 after sending or a timeout gets 409 and
  sends nothing: unlike Telegram's there is no excused cause, the threshold is 0.
- **LINE alerts later than 60 s**: incidents whose last LINE executive's first card came more
  than 60 s after the reporter pressed confirm (the same threshold as Telegram's).
- **retried pushes answered 409**: pushes the platform had accepted once already (shown).
- **LINE events unhandled**: what the LINE executives wrote during the run (webhook events
  the platform kept redelivering until the program answered 2xx) that the program's inbox
  does not hold as handled at the end; "never acknowledged" are those the platform gave up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.chaos.figures import LATE, REMINDER_MARK, own_reference, tag_of
from bench.chaos.line import ChaosLinePlatform
from bench.chaos.people import ReporterLog
from simulator.line.models import Endpoint, SendKind, SentMessage

# The details printed for a broken threshold are capped so a bad run stays readable.
MAX_PROBLEMS = 20


@dataclass
class LineFigures:
    executives: int = 0
    expected: int = 0
    delivered: int = 0
    missing: int = 0
    duplicates: int = 0
    late: int = 0
    max_delay: float = 0.0
    pushes: int = 0
    conflicts: int = 0  # pushes answered 409: the retry key already accepted
    events: int = 0
    events_unhandled: int = 0
    events_unacknowledged: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # which pairs broke, for the report

    def failures(self) -> list[str]:
        broken = []
        if self.missing:
            broken.append(f"LINE alerts missing = {self.missing} (must be 0)")
        if self.duplicates:
            broken.append(f"duplicate LINE alerts = {self.duplicates} (must be 0)")
        if self.late:
            broken.append(f"{self.late} LINE alerts later than {LATE:.0f} s")
        if self.events_unhandled:
            broken.append(f"LINE events unhandled = {self.events_unhandled} (must be 0)")
        return broken

    def lines(self) -> list[str]:
        shown = [
            f"LINE executives                        {self.executives}",
            f"LINE faults injected                   {self.faults}",
            f"LINE alerts expected / delivered       {self.expected} / {self.delivered}",
            f"LINE alerts missing                    {self.missing}",
            f"duplicate LINE alerts                  {self.duplicates}",
            f"LINE alerts later than {LATE:.0f} s            {self.late} "
            f"(max {self.max_delay:.1f} s)",
            f"LINE pushes / answered 409 (retry key) {self.pushes} / {self.conflicts}",
            f"LINE events unhandled                  {self.events_unhandled} of {self.events} "
            f"(never acknowledged: {self.events_unacknowledged})",
        ]
        return shown + [f"  {p}" for p in self.problems[:MAX_PROBLEMS]]


def compute(
    line: ChaosLinePlatform,
    users: dict[str, str],  # roster id -> LINE user id
    logs: list[ReporterLog],
    incidents: dict[str, str],  # reference -> description
    since_seq: int,
    events: list[str],  # webhook event ids of what the executives wrote
    handled: set[str],  # webhook event ids the inbox holds as settled
) -> LineFigures:
    """The LINE figures of the run, from what the platform recorded after `since_seq`."""
    figures = LineFigures(executives=len(users), faults=line.fault_counts())
    figures.events = len(events)
    figures.events_unhandled = sum(1 for e in events if e not in handled)
    acknowledged = {a.webhook_event_id for a in line.webhook_attempts() if a.acknowledged}
    figures.events_unacknowledged = sum(1 for e in events if e not in acknowledged)
    pressed = {tag: max(times) for log in logs for tag, times in log.confirms.items()}
    pushes = line.calls(Endpoint.PUSH, since=since_seq)
    figures.pushes = len(pushes)
    figures.conflicts = sum(1 for c in pushes if c.status == 409)
    arrivals: dict[str, list[float]] = {}
    for roster_id, user_id in users.items():
        cards = _alert_cards(line, user_id, since_seq)
        for reference in incidents:
            copies = [m for m in cards if own_reference(str(m.message), incidents) == reference]
            figures.expected += 1
            if not copies:
                figures.missing += 1
                figures.problems.append(f"missing: {reference} to {roster_id}")
                continue
            figures.delivered += 1
            if len(copies) > 1:
                figures.duplicates += len(copies) - 1
                keys = sorted({str(m.retry_key) for m in copies})
                figures.problems.append(
                    f"duplicate: {reference} to {roster_id}, {len(copies)} cards, "
                    f"retry keys {keys}, message ids {[m.message_id for m in copies]}"
                )
            arrivals.setdefault(reference, []).append(min(line.arrived[m.seq] for m in copies))
    for reference, times in arrivals.items():
        confirmed = pressed.get(tag_of(incidents[reference]))
        if confirmed is None or len(times) < len(users):
            continue
        delay = max(times) - confirmed
        figures.max_delay = max(figures.max_delay, delay)
        if delay > LATE:
            figures.late += 1
            figures.problems.append(f"late: {reference}, {delay:.1f} s after confirm")
    return figures


def _alert_cards(line: ChaosLinePlatform, user_id: str, since_seq: int) -> list[SentMessage]:
    """The alert cards pushed to one user: Flex messages in a push that is not a reminder.

    A reminder on LINE is itself a small Flex bubble (a text message carries no buttons, and
    it has รับทราบ) whose altText is its words, "เตือนครั้งที่ …"; a push holding a message
    with those words, of either type, is a reminder.
    """
    sent = line.sent_messages(user_id, since=since_seq, delivered=True)
    reminders = {m.request_id for m in sent if REMINDER_MARK in m.text}
    return [
        m
        for m in sent
        if m.type == "flex" and m.kind is SendKind.PUSH and m.request_id not in reminders
    ]

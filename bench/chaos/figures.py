"""The figures of the chaos run, and how each is defined.

- **confirmed reports missing**: references the program told a reporter were filed
  ("ส่งรายงานแล้ว เลขที่ …", in any request it made, faulted or not) with no incident in the
  database.
- **alerts lost**: (incident, executive) pairs with no alert copy accepted by the fake.
- **duplicate incidents**: incidents beyond the first for one description tag. Every draft a
  reporter types carries its own tag; a reporter who pressed confirm but never saw "filed"
  and starts a new draft types a new tag, counted apart as "re-filed by a reporter".
- **duplicate alert copies**: copies beyond the first per (incident, executive); "answer lost"
  when the proxy forwarded that many alert requests to that chat for that reference and reset
  the connection instead of answering; "killed before recording" when the program was killed
  after the fake accepted the copy before it and at most `KILL_WINDOW` seconds later (the
  answer was on its way, or read but not yet written down: lost with the process, which is
  the same case as a lost answer); "other" for the rest.
- **dropped updates**: a reporter's update that the fake handed out through getUpdates (and
  so confirmed once the program asked past it) but that the program's inbox does not hold as
  handled at the end of the run.
- **unanswered before the next update** (shown, not a threshold): a fetched update after which,
  until that reporter's next update, the program made no request about that person at all.
  Before the durable inbox every step answered at once, so this was the way to see drops; now
  a reply held by a hung send or a retry may come after the reporter's next message.
- **alerts later than 60 s**: incidents whose last executive's first accepted alert came more
  than 60 s after the reporter pressed confirm (the last press of that attempt).
- **error notices**: messages with the INTERNAL_ERROR text the fake accepted for reporters.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.chaos.people import ERROR_MARK, FILED, ReporterLog
from simulator.faults_proxy import ProxiedRequest
from tests.fakes.bot_api import FakeBotAPI

if TYPE_CHECKING:  # line_figures imports this module
    from bench.chaos.line_figures import LineFigures

ALERT_MARK = "🕒 เกิดเหตุ"
REMINDER_MARK = "เตือนครั้งที่"
LATE = 60.0
# A copy is "killed before recording" when the kill came this soon after the copy before it
# was accepted: the program records an answer within milliseconds, a busy machine permitting.
KILL_WINDOW = 2.0
_REFERENCE = re.compile(r"เลขที่ ([^\s<]+)")
_TAG = re.compile(r"chaos-[A-Z0-9]+-\d+-\d+(?:r\d+)?")


@dataclass
class Enqueued:
    """An update a person caused, when the fake queued it."""

    time: float
    update: dict[str, object]


@dataclass
class Figures:
    reports: int = 0
    attempts: int = 0
    incidents: int = 0
    missing: int = 0
    alerts_lost: int = 0
    duplicate_incidents: int = 0
    copies_answer_lost: int = 0
    copies_killed: int = 0
    max_kill_gap: float = 0.0  # the longest accepted-to-kill gap among the copies above
    copies_other: int = 0
    updates: int = 0
    dropped: int = 0
    unanswered: int = 0
    never_fetched: int = 0
    late_alerts: int = 0
    max_alert_delay: float = 0.0
    error_notices: int = 0
    gave_up: int = 0
    refiled: int = 0  # incidents a reporter filed again, never having seen "filed"
    kills: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    line: LineFigures | None = None  # with executives on LINE

    def failures(self) -> list[str]:
        """The issue's "Done when" thresholds this run breaks."""
        broken = []
        for name in ("missing", "alerts_lost", "duplicate_incidents", "dropped", "copies_other"):
            if getattr(self, name):
                broken.append(f"{name} = {getattr(self, name)} (must be 0)")
        if self.late_alerts:
            broken.append(f"{self.late_alerts} alerts later than {LATE:.0f} s")
        if self.error_notices * 10 > max(self.reports, 1):
            broken.append(f"{self.error_notices} error notices for {self.reports} reports")
        if self.gave_up:
            broken.append(f"{self.gave_up} reports given up by their reporter")
        if self.line is not None:
            broken += self.line.failures()
        return broken

    def lines(self) -> list[str]:
        per_report = self.error_notices / max(self.reports, 1)
        return [
            f"reports asked / attempts / incidents   {self.reports} / {self.attempts} / "
            f"{self.incidents} (given up: {self.gave_up})",
            f"re-filed by a reporter never told       {self.refiled}",
            f"kills                                  {self.kills}",
            f"faults injected                        {self.faults}",
            f"confirmed reports missing              {self.missing}",
            f"alerts lost                            {self.alerts_lost}",
            f"duplicate incidents                    {self.duplicate_incidents}",
            f"duplicate alert copies, answer lost    {self.copies_answer_lost}",
            f"duplicate alert copies, killed before  {self.copies_killed} "
            f"(recording; longest gap {self.max_kill_gap:.2f} s)",
            f"duplicate alert copies, other cause    {self.copies_other}",
            f"dropped updates                        {self.dropped} of {self.updates} "
            f"(never fetched: {self.never_fetched})",
            f"unanswered before the next update      {self.unanswered}",
            f"alerts later than {LATE:.0f} s                 {self.late_alerts} "
            f"(max {self.max_alert_delay:.1f} s)",
            f"error notices                          {self.error_notices} "
            f"({per_report:.2f} per report)",
            *(self.line.lines() if self.line is not None else []),
        ]


def compute(
    api: FakeBotAPI,
    requests: list[ProxiedRequest],
    enqueued: list[Enqueued],
    logs: list[ReporterLog],
    executives: list[int],
    incidents: dict[str, str],  # reference -> description
    since: float,
    handled: set[int],
    kill_times: list[float],
) -> Figures:
    """The figures of a run: the fake's and the proxy's records after `since`."""
    figures = Figures(attempts=sum(log.attempts for log in logs))
    figures.gave_up = sum(log.gave_up for log in logs)
    figures.incidents = len(incidents)
    reporters = {log.user.id for log in logs}
    requests = [r for r in requests if r.time >= since]
    by_tag = Counter(tag_of(d) for d in incidents.values())
    figures.duplicate_incidents = sum(n - 1 for n in by_tag.values() if n > 1)
    figures.refiled = sum(1 for tag in by_tag if "r" in tag.rsplit("-", 1)[-1])
    announced = {
        m.group(1)
        for r in requests
        if r.text and FILED in r.text and (m := _REFERENCE.search(r.text))
    }
    figures.missing = len(announced - set(incidents))
    _alerts(figures, api, requests, logs, executives, incidents, kill_times)
    _dropped(figures, api, requests, [e for e in enqueued if e.time >= since], reporters, handled)
    figures.error_notices = sum(
        1
        for chat in reporters
        for m in api.sent_messages(chat)
        if m.time >= since and ERROR_MARK in (m.raw_text or m.text or "")
    )
    return figures


def tag_of(description: str) -> str:
    found = _TAG.search(description)
    return found.group(0) if found else description


def own_reference(text: str, references: Iterable[str]) -> str | None:
    """The incident an alert is about: the first reference it names (a later one may be
    named as maybe the same event, `อาจเป็นเหตุเดียวกับ …`, below its own)."""
    found = [(text.find(ref), ref) for ref in references if ref in text]
    return min(found)[1] if found else None


def _alerts(
    figures: Figures,
    api: FakeBotAPI,
    requests: list[ProxiedRequest],
    logs: list[ReporterLog],
    executives: list[int],
    incidents: dict[str, str],
    kill_times: list[float],
) -> None:
    pressed = {tag: max(times) for log in logs for tag, times in log.confirms.items()}
    lost_answers = Counter(
        (r.chat_id, own_reference(r.text, incidents))
        for r in requests
        if r.fault is not None and r.fault.value == "answer_lost" and r.text
        if ALERT_MARK in r.text and own_reference(r.text, incidents) is not None
    )
    copies: dict[tuple[int, str], list[float]] = {}
    for chat in executives:
        for m in api.sent_messages(chat):
            text = m.raw_text or m.text or ""
            if m.kind != "text" or ALERT_MARK not in text or REMINDER_MARK in text:
                continue
            ref = own_reference(text, incidents)
            if ref is not None:
                copies.setdefault((chat, ref), []).append(m.time)
    for ref, description in incidents.items():
        arrivals = []
        for chat in executives:
            times = copies.get((chat, ref), [])
            if not times:
                figures.alerts_lost += 1
                continue
            arrivals.append(min(times))
            extra = len(times) - 1
            explained = min(extra, lost_answers[(str(chat), ref)])
            figures.copies_answer_lost += explained
            killed = _killed_before_recording(sorted(times), kill_times)
            figures.copies_killed += min(extra - explained, len(killed))
            figures.max_kill_gap = max([figures.max_kill_gap, *killed])
            figures.copies_other += max(0, extra - explained - len(killed))
        confirmed = pressed.get(tag_of(description))
        if arrivals and confirmed is not None:
            delay = max(arrivals) - confirmed
            figures.max_alert_delay = max(figures.max_alert_delay, delay)
            figures.late_alerts += delay > LATE


def _killed_before_recording(times: list[float], kill_times: list[float]) -> list[float]:
    """For each copy after the first that a kill explains, the gap from the copy before it
    being accepted to that kill."""
    gaps = []
    for before, after in itertools.pairwise(times):
        kills = [k - before for k in kill_times if before <= k <= after]
        if kills and min(kills) <= KILL_WINDOW:
            gaps.append(min(kills))
    return gaps


def _dropped(
    figures: Figures,
    api: FakeBotAPI,
    requests: list[ProxiedRequest],
    enqueued: list[Enqueued],
    reporters: set[int],
    handled: set[int],
) -> None:
    fetched = {
        int(u["update_id"])
        for c in api.calls("getUpdates")
        if c.status == 200 and isinstance(c.result, list)
        for u in c.result
    }
    answered = {r.callback_query_id for r in requests if r.callback_query_id}
    by_person: dict[int, list[Enqueued]] = {}
    for item in enqueued:
        person = _sender(item.update)
        if person in reporters:
            by_person.setdefault(person, []).append(item)
    for person, items in by_person.items():
        chat = str(person)
        times = sorted(r.time for r in requests if r.chat_id == chat)
        for index, item in enumerate(items):
            figures.updates += 1
            update_id = int(str(item.update["update_id"]))
            if update_id not in fetched:
                figures.never_fetched += 1
                continue
            if update_id not in handled:
                figures.dropped += 1
            end = items[index + 1].time if index + 1 < len(items) else float("inf")
            query = item.update.get("callback_query")
            if isinstance(query, dict) and str(query.get("id")) in answered:
                continue
            if not any(item.time <= t < end for t in times):
                figures.unanswered += 1


def _sender(update: dict[str, object]) -> int | None:
    for kind in ("message", "callback_query"):
        part = update.get(kind)
        if isinstance(part, dict):
            sender = part.get("from")
            if isinstance(sender, dict):
                return int(sender["id"])
    return None

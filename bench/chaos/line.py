"""The LINE side of the chaos run: a fake LINE Platform that faults at the run's rate, the
executives who join on LINE, and the settings the program needs to use it.

Faults are injected by the platform itself (not a proxy: LINE's are HTTP statuses the fake
already speaks) on the sending endpoints, push and reply, at the same rate as the proxy's on
Telegram's sends, one kind at random: 429 and 500 refused before anything happens, 500 after
the message went out, the answer lost after the message went out (connection dropped), and
the answer held past the sender's read timeout after the message went out. Webhooks are
redelivered until the program answers, so they follow it across SIGKILLs on its fixed port.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from simulator.line import ApiRequest, FakeLinePlatform, LineUser, Outcome
from simulator.line.models import Endpoint, Fault, JSONDict, SendKind
from simulator.line.records import Chat

# Fake credentials, only ever sent to the fake on loopback (the settings' shapes).
LINE_SECRET = "5d2c8b7a6f4e3d2c1b0a99887766aa55"  # noqa: S105 - loopback fake
LINE_TOKEN = "Q2hhb3MtbG9vcGJhY2stY2hhbm5lbC1hY2Nlc3MtZm9yLWJlbmNoLW9ubHkxMw=="  # noqa: S105
WEBHOOK_PATH = "/line/webhook"
JOINED = "ผูกบัญชี LINE"  # from incidents.text.line.welcome
FAULTED = frozenset({Endpoint.PUSH, Endpoint.REPLY})


class LineFaultKind(StrEnum):
    """What the platform does instead of answering a push or reply normally."""

    TOO_MANY = "429"  # refused, nothing sent
    SERVER_ERROR = "500"  # refused, nothing sent
    ERROR_AFTER = "500_after_sending"  # sent, then 500
    ANSWER_LOST = "answer_lost"  # sent, then the connection dropped
    DELAY = "delay"  # sent, answered only past the sender's read timeout


@dataclass
class LineFaultPlan:
    """Which push and reply requests get which fault."""

    rate: float = 0.0
    delay_seconds: float = 25.0
    seed: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - fault choice, not security

    def choose(self, endpoint: Endpoint) -> Fault | None:
        if endpoint not in FAULTED or self._random.random() >= self.rate:
            return None
        kind = self._random.choice(tuple(LineFaultKind))
        self.counts[kind.value] += 1
        if kind is LineFaultKind.TOO_MANY:
            return Fault(endpoint, 1, status=429)
        if kind is LineFaultKind.SERVER_ERROR:
            return Fault(endpoint, 1, status=500)
        if kind is LineFaultKind.ERROR_AFTER:
            return Fault(endpoint, 1, status=500, executed=True)
        if kind is LineFaultKind.ANSWER_LOST:
            return Fault(endpoint, 1, lose=True)
        return Fault(endpoint, 1, delay=self.delay_seconds)


class ChaosLinePlatform(FakeLinePlatform):
    """The fake LINE Platform with random faults and the monotonic time of each sent message
    (the reporters' confirm presses are timed with time.monotonic)."""

    def __init__(self, plan: LineFaultPlan, **kwargs: Any) -> None:
        super().__init__(LINE_TOKEN, LINE_SECRET, **kwargs)
        self.plan = plan
        self.arrived: dict[int, float] = {}  # SentMessage.seq -> time.monotonic()
        self.last_request = 0.0  # time.monotonic() of the program's last request
        self._plan_lock = threading.Lock()

    def set_rate(self, rate: float) -> None:
        with self._plan_lock:
            self.plan.rate = rate

    def fault_counts(self) -> dict[str, int]:
        with self._plan_lock:
            return dict(self.plan.counts)

    def handle(self, request: ApiRequest) -> Outcome:
        self.last_request = time.monotonic()
        return super().handle(request)

    def _take_fault_locked(self, endpoint: Endpoint) -> Fault | None:
        injected = super()._take_fault_locked(endpoint)
        if injected is not None:
            return injected
        with self._plan_lock:
            return self.plan.choose(endpoint)

    def _record_locked(
        self,
        kind: SendKind,
        chat: Chat,
        messages: list[JSONDict],
        request_id: str,
        retry_key: str | None,
        delivered: bool,
        silent: bool,
        reply_token: str | None = None,
    ) -> list[JSONDict]:
        first = self._last_seq
        entries = super()._record_locked(
            kind, chat, messages, request_id, retry_key, delivered, silent, reply_token
        )
        now = time.monotonic()
        for message in self._sent[-len(messages) :]:
            if message.seq > first:
                self.arrived[message.seq] = now
        return entries


def platform(seed: int | None, delay_seconds: float) -> ChaosLinePlatform:
    """A platform that keeps redelivering a webhook while the program is down (a restart takes
    seconds) and waits for a busy program's answer longer than LINE's 2 s."""
    plan = LineFaultPlan(rate=0.0, delay_seconds=delay_seconds, seed=seed)
    return ChaosLinePlatform(
        plan, redelivery_interval=0.5, max_deliveries=10_000, webhook_timeout=10.0
    )


def program_env(line: FakeLinePlatform) -> dict[str, str]:
    """What the program under test needs to use the fake as its LINE Platform."""
    return {
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_URL": line.api_url,
        "LINE_DATA_URL": line.data_url,
        "LINE_WEBHOOK_PATH": WEBHOOK_PATH,
    }


async def join(line: FakeLinePlatform, codes: dict[str, str], patience: float) -> dict[str, str]:
    """Each roster id adds the account and types its invitation code; their LINE user ids."""
    users: dict[str, LineUser] = {}
    for roster_id, code in codes.items():
        users[roster_id] = line.add_user(f"chaos {roster_id}")
        line.send_text(users[roster_id], code)
    for user in users.values():
        await line.wait_for_message(user, lambda m: JOINED in m.text, timeout=patience)
    return {roster_id: user.user_id for roster_id, user in users.items()}


async def chat(
    line: FakeLinePlatform, user_ids: list[str], until: asyncio.Future[Any], rng: random.Random
) -> list[str]:
    """The LINE executives write now and then while the reporters work, so webhooks reach the
    program across its kills; the webhook event ids of what they wrote."""
    sent: list[str] = []
    while not until.done():
        for user_id in user_ids:
            sent.append(line.send_text(user_id, f"สวัสดีครับ {len(sent)}").webhook_event_id)
        await asyncio.wait([until], timeout=rng.uniform(2.0, 5.0))
    return sent

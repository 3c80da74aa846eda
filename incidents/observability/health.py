"""Liveness and readiness: how the process's parts stand, and whether it can do its work.

/healthz says the process serves, with the state of its links to chat channels; /readyz says
it is ready only when the database answers a trivial query within a short timeout. A channel
not reached yet does not make the process unready (the web log and the outbox keep working,
and the bot keeps retrying); readiness says so in its answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import text

from incidents.core import Core

READY_TIMEOUT_S = 2.0


class Link(StrEnum):
    """Where the process stands with a chat channel's API."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    STOPPED = "stopped"


@dataclass(slots=True)
class Health:
    """The state of the process's links to its channels, set by the composition root."""

    links: dict[str, Link] = field(default_factory=dict)

    def set(self, channel: str, link: Link) -> None:
        """Record how the process stands with a channel (e.g. "telegram")."""
        self.links[channel] = link

    def report(self) -> dict[str, str]:
        """The channels and their states, e.g. {"telegram": "connected"}."""
        return {channel: link.value for channel, link in self.links.items()}


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the process is ready, and the answer that says why."""

    ready: bool
    answer: dict[str, object]


async def database_problem(core: Core, limit_s: float = READY_TIMEOUT_S) -> str:
    """Why the database does not answer `SELECT 1` within `limit_s`, or "" when it does.

    The reason names the kind of failure only: an error's text may carry the database's
    address or user.
    """
    try:
        async with asyncio.timeout(limit_s):
            async with core.reading() as session:
                await session.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {limit_s:g} s"
    except Exception as exc:  # any failure to answer is the same "not ready"
        return f"unreachable ({type(exc).__name__})"
    return ""


async def readiness(core: Core, health: Health, limit_s: float = READY_TIMEOUT_S) -> Readiness:
    """Check the database; report the channels' links as they stand."""
    problem = await database_problem(core, limit_s)
    answer: dict[str, object] = {
        "status": "not ready" if problem else "ready",
        "database": problem or "ok",
    }
    for channel, link in health.links.items():
        answer[channel] = link.value
        answer[f"{channel}_connected"] = link is Link.CONNECTED
    return Readiness(ready=not problem, answer=answer)

"""The test suite's name for the Telegram simulator (now product code in simulator/telegram).

Tests get it without flood limits: the suite's bots send bursts that no real province's
traffic would, and tests of the limits turn them on with ``enforce_rate_limits()``.
Run by hand: ``python -m tests.fakes.bot_api --port 8081`` (or ``python -m simulator.telegram``).
"""

from __future__ import annotations

from simulator.telegram import server
from simulator.telegram.server import main
from simulator.telegram.state import DEFAULT_TOKEN, FloodLimits

__all__ = ["FakeBotAPI", "main"]


class FakeBotAPI(server.FakeBotAPI):
    """The simulator, with Telegram's flood limits off unless a test asks for them."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "phichit_incident_bot",
        bot_first_name: str = "Incident Bot",
        *,
        port: int = 0,
        strict_html: bool = True,
        callback_query_timeout: float | None = None,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name,
            port=port,
            strict_html=strict_html,
            callback_query_timeout=callback_query_timeout,
            flood_limits=flood_limits,
        )


if __name__ == "__main__":
    raise SystemExit(main())

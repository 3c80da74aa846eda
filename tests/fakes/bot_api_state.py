"""Old home of the simulator's state; it lives in simulator.telegram.state now."""

from simulator.telegram.state import (
    DEFAULT_EXCLUDED_UPDATES,
    DEFAULT_TOKEN,
    FloodLimits,
    MessageRef,
)
from simulator.telegram.state import State as BotAPIState

__all__ = [
    "DEFAULT_EXCLUDED_UPDATES",
    "DEFAULT_TOKEN",
    "BotAPIState",
    "FloodLimits",
    "MessageRef",
]

"""Old home of the simulator's Bot API methods; they live in simulator.telegram now."""

from simulator.telegram.content import CAPTION_LIMIT, TEXT_LIMIT
from simulator.telegram.dispatch import Dispatch as BotAPIMethods
from simulator.telegram.editing import NOT_MODIFIED, QUERY_TOO_OLD
from simulator.telegram.files import FILE_DOWNLOAD_LIMIT
from simulator.telegram.models import LongPoll, Outcome
from simulator.telegram.updates import POLL_CONFLICT, WEBHOOK_CONFLICT

__all__ = [
    "CAPTION_LIMIT",
    "FILE_DOWNLOAD_LIMIT",
    "NOT_MODIFIED",
    "POLL_CONFLICT",
    "QUERY_TOO_OLD",
    "TEXT_LIMIT",
    "WEBHOOK_CONFLICT",
    "BotAPIMethods",
    "LongPoll",
    "Outcome",
]

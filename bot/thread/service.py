"""The conversation after an alert, as one object the application holds."""

from __future__ import annotations

from bot.access import Access
from bot.policy import Refusal
from bot.thread.base import ThreadError
from bot.thread.directing import ExecutiveActions
from bot.thread.lifecycle import LifecycleActions
from bot.thread.reporting import ReporterActions

__all__ = ["Access", "Refusal", "Thread", "ThreadError"]


class Thread(ReporterActions, ExecutiveActions, LifecycleActions):
    """Thread actions for one deployment: updates, instructions, requests, closing, timers."""

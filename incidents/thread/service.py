"""The conversation after an alert, as one object the application holds."""

from __future__ import annotations

from incidents.access import Access
from incidents.policy import Refusal
from incidents.thread.base import ThreadError
from incidents.thread.directing import ExecutiveActions
from incidents.thread.lifecycle import LifecycleActions
from incidents.thread.reporting import ReporterActions

__all__ = ["Access", "Refusal", "Thread", "ThreadError"]


class Thread(ReporterActions, ExecutiveActions, LifecycleActions):
    """Thread actions for one deployment: updates, instructions, requests, closing, timers."""

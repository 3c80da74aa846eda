"""Composition root, settings, services and the command line of the incident bot."""

import os

# Opt in to python-telegram-bot's coming behaviour: durations (RetryAfter.retry_after) as
# timedelta. Without it every flood-limit answer logs a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")

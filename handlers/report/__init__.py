"""The report conversation (issue: filing an incident report)."""

from handlers.report.flow import register

__all__ = ["register"]

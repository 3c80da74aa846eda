"""Alerts: the outbox, fan-out to executives, acknowledgement, reminders and escalation."""

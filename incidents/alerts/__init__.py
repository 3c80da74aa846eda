"""Alerts: who is alerted, acknowledgement, reminders and escalation."""

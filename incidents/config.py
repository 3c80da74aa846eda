"""What the core needs to know of a deployment, handed to it by the composition root.

The core never reads settings itself: bot/app.py builds `Rules` from the environment's
settings, so the core has no idea where they came from.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from storage.models import Urgency


class Rules(BaseModel):
    """A deployment's rules: time zone, deadlines, limits, who is escalated to."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    tz: ZoneInfo
    files_dir: Path
    public_base_url: str = ""
    ack_deadlines: dict[Urgency, timedelta]
    escalation_roster_ids: tuple[str, ...] = ()
    escalation_max_rounds: int = 3
    war_room_chat_id: int | None = None
    instruction_remind_after: timedelta = timedelta(minutes=15)
    draft_ttl: timedelta = timedelta(hours=3)
    invite_ttl: timedelta = timedelta(hours=72)
    stranger_notice_interval: timedelta = timedelta(hours=1)
    web_session_ttl: timedelta = timedelta(hours=12)
    max_attachments: int = 10
    max_attachment_mb: float = 20.0
    # How far back an open incident may be the same event as a new report (0: never asked).
    related_window: timedelta = timedelta(hours=6)
    # Signs the addresses of photos shown on LINE cards (incidents/photolinks); empty: none.
    photo_link_key: bytes = b""
    # Retention (incidents.records.retention), in days; 0 keeps forever.
    audit_retention_days: int = 0
    files_retention_days: int = 0
    redact_closed_after_days: int = 0

    def ack_deadline(self, urgency: Urgency) -> timedelta:
        """How long an alert of this urgency may wait for acknowledgement before a reminder."""
        return self.ack_deadlines[urgency]

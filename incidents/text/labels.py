"""Words shared by every channel and page: one label per status, one word for "not known".

The bot, the web log and the exports all read these, so a status reads the same everywhere.
"""

from __future__ import annotations

from storage.models import IncidentStatus

STATUS_LABELS: dict[IncidentStatus, str] = {
    IncidentStatus.REPORTED: "แจ้งแล้ว รอรับทราบ",
    IncidentStatus.ACKNOWLEDGED: "ผู้บริหารรับทราบแล้ว",
    IncidentStatus.IN_PROGRESS: "กำลังดำเนินการ",
    IncidentStatus.UNDER_CONTROL: "ควบคุมสถานการณ์ได้แล้ว",
    IncidentStatus.RESOLVED: "คลี่คลายแล้ว",
    IncidentStatus.CLOSED: "ปิดเหตุการณ์แล้ว",
}

# A figure nobody has reported yet: never shown as zero.
UNKNOWN = "ยังไม่ทราบ"


def count_text(value: int | None) -> str:
    """A casualty or household figure as shown to people: digits grouped, or not known."""
    return UNKNOWN if value is None else f"{value:,}"

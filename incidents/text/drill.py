"""Thai texts of drills (การฝึกซ้อม): the mark every drill message leads with, and the report."""

from __future__ import annotations

from datetime import datetime, tzinfo

from incidents.text.rich import Text
from incidents.thaidate import format_datetime

# The one line that leads every message, page, export row and CAP of a drill incident.
MARK = "🧪 การฝึกซ้อม — ไม่ใช่เหตุจริง"

ALREADY_RUNNING = "มีการฝึกซ้อมที่ยังไม่สิ้นสุดอยู่แล้ว ({title}) กรุณาสิ้นสุดการฝึกซ้อมนั้นก่อน"
NOT_RUNNING = "ไม่มีการฝึกซ้อมที่กำลังดำเนินอยู่"
NO_PARTICIPANTS = "ยังไม่ได้เลือกผู้เข้าร่วมการฝึกซ้อม"
UNKNOWN_SCENARIO = "ไม่พบสถานการณ์จำลอง {key}"
NO_REPORTER = "สถานการณ์จำลองต้องมีผู้รายงานเหตุที่เข้าร่วมการฝึกซ้อม"

# The report conversation's drill step (incidents/reports/steps.py), and its buttons.
PROMPT = (
    "🧪 ขณะนี้มีการฝึกซ้อม",
    "เหตุที่จะแจ้งนี้เป็นการฝึกซ้อม หรือเหตุจริง หากเป็นเหตุจริง กด “เหตุจริง” ระบบจะแจ้งผู้บริหารทุกคนตามปกติ",
)
BUTTON_DRILL = "🧪 การฝึกซ้อม"
BUTTON_REAL = "🚨 เหตุจริง"
NOTIFYING = "ระบบกำลังแจ้งเฉพาะผู้เข้าร่วมการฝึกซ้อม"
NEVER = "ยังไม่ได้รับ"
NOT_ACKNOWLEDGED = "ยังไม่รับทราบ"


def marked(text: Text, drill: bool) -> Text:
    """A drill's text (a report's review or receipt) leads with the drill mark."""
    return Text(MARK, "\n", text) if drill else text


def started(title: str, ends_at: datetime, tz: tzinfo, people: int) -> str:
    """The notice a participant gets when a drill starts."""
    return (
        f"{MARK}\nเริ่มการฝึกซ้อม: {title}\nผู้เข้าร่วม {people} คน "
        f"สิ้นสุด {format_datetime(ends_at, tz)}\n"
        "ระหว่างนี้เมื่อแจ้งเหตุ ระบบจะถามว่าเป็นการฝึกซ้อมหรือเหตุจริง"
    )


def ended(title: str) -> str:
    """The notice a participant gets when a drill ends."""
    return f"{MARK}\nสิ้นสุดการฝึกซ้อม: {title} ขอบคุณที่เข้าร่วม"


def minutes(seconds: float | None) -> str:
    """A duration for the drill report, or that it never happened."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{int(seconds)} วินาที"
    return f"{seconds / 60:.1f} นาที"


REPORT_TITLE = "รายงานผลการฝึกซ้อม: {title}"
REPORT_EXECUTIVES = "ผู้บริหาร (เวลาได้รับ / เวลารับทราบ)"
REPORT_REPORTERS = "ผู้รายงานเหตุ (เวลาที่ใช้แจ้งเหตุ)"
REPORT_UNANSWERED = "สิ่งที่ยังไม่ได้ตอบ"
REPORT_NOTHING_UNANSWERED = "ไม่มี"
UNACKNOWLEDGED_ALERT = "เหตุ {reference} ยังไม่มีผู้บริหารรับทราบ"
UNANSWERED_INSTRUCTION = "ข้อสั่งการในเหตุ {reference} ยังไม่มีผู้รับทราบ"
UNANSWERED_REQUEST = "คำขอข้อมูลในเหตุ {reference} ยังไม่มีคำตอบ"

# The /drill console of the bot (admins).
ADMINS_ONLY = "คำสั่งนี้สำหรับผู้ดูแลระบบเท่านั้น"
CONSOLE_IDLE = "ยังไม่มีการฝึกซ้อม เลือกผู้เข้าร่วมและระยะเวลาเพื่อเริ่มการฝึกซ้อม"
CONSOLE_RUNNING = "กำลังฝึกซ้อม: {title}\nผู้เข้าร่วม {people} คน สิ้นสุด {ends}"
GROUP_LABELS = {"all": "ทุกคน", "exec": "ผู้บริหาร"}
START_BUTTON = "{group} {minutes} นาที"
END_BUTTON = "⏹ สิ้นสุดการฝึกซ้อม"
REPORT_BUTTON = "📋 รายงานผล"
ENDED_BY_ADMIN = "สิ้นสุดการฝึกซ้อมแล้ว รายงานผลจะส่งถึงผู้ดูแลระบบ"
BOT_TITLE = "การฝึกซ้อม {date}"

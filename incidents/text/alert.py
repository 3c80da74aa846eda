"""Thai texts of alerts, acknowledgements, reminders and escalation (HTML parse mode)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from incidents.text import report as r
from incidents.text.fitting import TELEGRAM_TEXT_LIMIT, fit, shorten
from incidents.text.labels import count_text
from incidents.thaidate import format_datetime, format_time
from storage.models import Incident

BUTTON_ACK = "✅ รับทราบ"
BUTTON_INSTRUCT = "📝 สั่งการ"
BUTTON_REQUEST_INFO = "❓ ขอข้อมูลเพิ่มเติม"
BUTTON_OPEN_WEB = "🌐 เปิดในเว็บ"

WAITING = "⏳ <b>รอการรับทราบจากผู้บริหาร</b>"
ACK_DONE = "รับทราบแล้ว ขอบคุณ"
ACK_ALREADY = "เหตุนี้รับทราบแล้วโดย {name} เวลา {time}"
MORE_ON_WEB = " (อ่านต่อในเว็บ)"


def acknowledged_line(name: str, position: str, at: datetime, tz: tzinfo) -> str:
    """The status line once someone has acknowledged."""
    return f"✅ <b>รับทราบแล้วโดย {escape(name)}</b> ({escape(position)}) เวลา {format_time(at, tz)}"


def alert(
    incident: Incident,
    tz: tzinfo,
    status_line: str,
    attachments: str,
    limit: int = TELEGRAM_TEXT_LIMIT,
) -> str:
    """The alert an executive reads on a lock screen; the description is cut to fit."""
    icon = r.URGENCY_ICONS[incident.urgency]
    level = ""
    if incident.ddpm_level:
        level = f" · {r.DDPM_LABELS[incident.ddpm_level]}"
    lines = [
        f"{icon} <b>{r.URGENCY_LABELS[incident.urgency]}</b> · "
        f"{r.CATEGORY_LABELS[incident.category]}{level}",
        f"<b>{escape(incident.reference)}</b>",
        f"📍 อ.{escape(incident.district.name_th)} — {escape(incident.place)}",
        f"🕒 เกิดเหตุ {format_datetime(incident.occurred_at, tz)} "
        f"(รับแจ้ง {format_time(incident.created_at, tz)})",
        f"👤 {escape(incident.reporter_name)} {escape(incident.reporter_position)} "
        f"· {escape(incident.agency_name)} · โทร {escape(incident.reporter_phone or '-')}",
        f"👥 เสียชีวิต {count_text(incident.dead)} · บาดเจ็บ {count_text(incident.injured)} · "
        f"สูญหาย {count_text(incident.missing)} · "
        f"ครัวเรือน {count_text(incident.affected_households)}",
    ]
    if incident.damage_note:
        lines.append(f"🏚 {escape(incident.damage_note)}")
    if attachments:
        lines.append(attachments)
    head = "\n".join(lines) + "\n\n"
    tail = "\n\n" + status_line
    return fit(head, incident.description, tail, limit, MORE_ON_WEB)


def attachments_line(photos: int, others: int, location: bool) -> str:
    """What follows the alert as replies."""
    parts = []
    if photos:
        parts.append(f"รูปภาพ {photos}")
    if others:
        parts.append(f"ไฟล์ {others}")
    if location:
        parts.append("พิกัด")
    return f"📎 {' · '.join(parts)} (ส่งตามมาด้านล่าง)" if parts else ""


def progress(
    reference: str, reached: int, total: int, unreachable: int, acknowledged: str | None
) -> str:
    """The reporter's status message, updated in place."""
    lines = [f"📣 <b>สถานะการแจ้งเตือน {escape(reference)}</b>"]
    if total == 0:
        lines.append("⚠️ ยังไม่มีผู้บริหารที่เข้าร่วมระบบ สำนักงานจังหวัดได้รับแจ้งแล้ว")
    else:
        lines.append(f"ส่งถึงผู้บริหารแล้ว {reached} จาก {total} คน")
    if unreachable:
        lines.append(f"ส่งไม่ถึง {unreachable} คน (แจ้งผู้ดูแลระบบแล้ว)")
    lines.append(acknowledged or "⏳ ยังไม่มีผู้บริหารรับทราบ")
    return "\n".join(lines)


def reporter_acknowledged(
    reference: str, name: str, position: str, at: datetime, tz: tzinfo
) -> str:
    """Told to the reporter when an executive acknowledges."""
    return (
        f"✅ {escape(name)} ({escape(position)}) รับทราบเหตุ <b>{escape(reference)}</b> "
        f"แล้ว เวลา {format_time(at, tz)}"
    )


def lead_line(incident: Incident) -> str:
    """What a lock screen shows first: urgency, category, district and place, on one line."""
    place = shorten(incident.place, 80)
    return (
        f"{r.URGENCY_ICONS[incident.urgency]} <b>{r.URGENCY_LABELS[incident.urgency]}</b> · "
        f"{r.CATEGORY_LABELS[incident.category]} · อ.{escape(incident.district.name_th)} — "
        f"{escape(place)}"
    )


def reminder(incident: Incident, minutes: int, round_no: int) -> str:
    """Reminder to the recipients while nobody has acknowledged: what and where first."""
    return (
        f"🔔 {lead_line(incident)}\n"
        f"<b>เตือนครั้งที่ {round_no}: เหตุ {escape(incident.reference)} ยังไม่มีผู้รับทราบ</b> "
        f"(แจ้งมาแล้ว {minutes} นาที)\n"
        "กรุณากด “รับทราบ” ด้านล่าง หรือที่ข้อความแจ้งเหตุด้านบน"
    )


def escalation_intro(incident: Incident, minutes: int) -> str:
    """Heads an alert sent to escalation contacts: what and where first."""
    return (
        f"🚨 ยกระดับการแจ้งเตือน · {lead_line(incident)}\n"
        f"<b>ยังไม่มีผู้บริหารรับทราบเหตุ {escape(incident.reference)} หลังแจ้ง {minutes} นาที</b>"
    )


def unacknowledged_to_admins(reference: str, rounds: int) -> str:
    """Told to admins when every round passed without acknowledgement."""
    return (
        f"⚠️ เหตุ <b>{escape(reference)}</b> ยังไม่มีผู้รับทราบหลังเตือนครบ {rounds} รอบ "
        "กรุณาโทรแจ้งผู้บริหารโดยตรง"
    )


def executives_not_joined(reference: str, names: list[str]) -> str:
    """Told to admins: executives who could not be alerted because they have not joined."""
    listed = "\n".join(f"• {escape(n)}" for n in names)
    return (
        f"⚠️ ผู้บริหารต่อไปนี้ยังไม่ได้เข้าร่วมบอท จึงไม่ได้รับแจ้งเหตุ <b>{escape(reference)}</b>\n"
        f"{listed}\nกรุณาออกรหัสเชิญ (incident-bot roster invite) และแจ้งทางโทรศัพท์"
    )


def unreachable_to_admins(name: str, reason: str) -> str:
    """Told to admins when Telegram refuses to deliver to someone."""
    return (
        f"⚠️ ส่งข้อความถึง <b>{escape(name)}</b> ไม่ได้ ({escape(reason)}) "
        "ผู้ใช้อาจบล็อกบอทหรือลบแชต กรุณาติดต่อให้เปิดบอทอีกครั้ง"
    )

"""Thai texts of alerts, acknowledgements, reminders and escalation, as channel-neutral `Text`
(each sender renders it: Telegram HTML with every value escaped)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from incidents.text import report as r
from incidents.text.fitting import TELEGRAM_TEXT_LIMIT, fit_text, shorten
from incidents.text.labels import count_text
from incidents.text.rich import Text, b
from incidents.thaidate import format_datetime, format_time
from storage.models import Channel, Incident

BUTTON_ACK = "✅ รับทราบ"
BUTTON_INSTRUCT = "📝 สั่งการ"
BUTTON_REQUEST_INFO = "❓ ขอข้อมูลเพิ่มเติม"
BUTTON_OPEN_WEB = "🌐 เปิดในเว็บ"

WAITING = Text("⏳ ", b("รอการรับทราบจากผู้บริหาร"))
ACK_DONE = "รับทราบแล้ว ขอบคุณ"
ACK_ALREADY = "เหตุนี้รับทราบแล้วโดย {name} เวลา {time}"
MORE_ON_WEB = " (อ่านต่อในเว็บ)"


def acknowledged_line(name: str, position: str, at: datetime, tz: tzinfo) -> Text:
    """The status line once someone has acknowledged."""
    return Text("✅ ", b(f"รับทราบแล้วโดย {name}"), f" ({position}) เวลา {format_time(at, tz)}")


def alert(
    incident: Incident,
    tz: tzinfo,
    status_line: Text,
    attachments: str,
    limit: int = TELEGRAM_TEXT_LIMIT,
    *,
    related: str = "",
) -> Text:
    """The alert an executive reads on a lock screen (with `related`, the incidents it may be
    a second report of, under its reference); the description is cut to fit."""
    icon = r.URGENCY_ICONS[incident.urgency]
    level = ""
    if incident.ddpm_level:
        level = f" · {r.DDPM_LABELS[incident.ddpm_level]}"
    lines: list[Text | str] = [
        Text(
            f"{icon} ",
            b(r.URGENCY_LABELS[incident.urgency]),
            f" · {r.CATEGORY_LABELS[incident.category]}{level}",
        ),
        Text(b(incident.reference)),
        *([Text(b(related))] if related else []),
        f"📍 อ.{incident.district.name_th} — {incident.place}",
        f"🕒 เกิดเหตุ {format_datetime(incident.occurred_at, tz)} "
        f"(รับแจ้ง {format_time(incident.created_at, tz)})",
        f"👤 {incident.reporter_name} {incident.reporter_position} "
        f"· {incident.agency_name} · โทร {incident.reporter_phone or '-'}",
        f"👥 เสียชีวิต {count_text(incident.dead)} · บาดเจ็บ {count_text(incident.injured)} · "
        f"สูญหาย {count_text(incident.missing)} · "
        f"ครัวเรือน {count_text(incident.affected_households)}",
    ]
    if incident.damage_note:
        lines.append(f"🏚 {incident.damage_note}")
    if attachments:
        lines.append(attachments)
    head = Text.join("\n", lines) + "\n\n"
    tail = Text("\n\n", status_line)
    return fit_text(head, incident.description, tail, limit, MORE_ON_WEB)


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
    reference: str, reached: int, total: int, unreachable: int, acknowledged: Text | None
) -> Text:
    """The reporter's status message, updated in place."""
    lines: list[Text | str] = [Text("📣 ", b(f"สถานะการแจ้งเตือน {reference}"))]
    if total == 0:
        lines.append("⚠️ ยังไม่มีผู้บริหารที่เข้าร่วมระบบ สำนักงานจังหวัดได้รับแจ้งแล้ว")
    else:
        lines.append(f"ส่งถึงผู้บริหารแล้ว {reached} จาก {total} คน")
    if unreachable:
        lines.append(f"ส่งไม่ถึง {unreachable} คน (แจ้งผู้ดูแลระบบแล้ว)")
    lines.append(acknowledged or "⏳ ยังไม่มีผู้บริหารรับทราบ")
    return Text.join("\n", lines)


def reporter_acknowledged(
    reference: str, name: str, position: str, at: datetime, tz: tzinfo
) -> Text:
    """Told to the reporter when an executive acknowledges."""
    return Text(
        f"✅ {name} ({position}) รับทราบเหตุ ", b(reference), f" แล้ว เวลา {format_time(at, tz)}"
    )


def lead_line(incident: Incident) -> Text:
    """What a lock screen shows first: urgency, category, district and place, on one line."""
    place = shorten(incident.place, 80)
    return Text(
        f"{r.URGENCY_ICONS[incident.urgency]} ",
        b(r.URGENCY_LABELS[incident.urgency]),
        f" · {r.CATEGORY_LABELS[incident.category]} · อ.{incident.district.name_th} — {place}",
    )


def reminder(incident: Incident, minutes: int, round_no: int) -> Text:
    """Reminder to the recipients while nobody has acknowledged: what and where first."""
    return Text(
        "🔔 ",
        lead_line(incident),
        "\n",
        b(f"เตือนครั้งที่ {round_no}: เหตุ {incident.reference} ยังไม่มีผู้รับทราบ"),
        f" (แจ้งมาแล้ว {minutes} นาที)\n",
        "กรุณากด “รับทราบ” ด้านล่าง หรือที่ข้อความแจ้งเหตุด้านบน",
    )


def escalation_intro(incident: Incident, minutes: int) -> Text:
    """Heads an alert sent to escalation contacts: what and where first."""
    return Text(
        "🚨 ยกระดับการแจ้งเตือน · ",
        lead_line(incident),
        "\n",
        b(f"ยังไม่มีผู้บริหารรับทราบเหตุ {incident.reference} หลังแจ้ง {minutes} นาที"),
    )


def unacknowledged_to_admins(reference: str, rounds: int) -> Text:
    """Told to admins when every round passed without acknowledgement."""
    return Text(
        "⚠️ เหตุ ",
        b(reference),
        f" ยังไม่มีผู้รับทราบหลังเตือนครบ {rounds} รอบ กรุณาโทรแจ้งผู้บริหารโดยตรง",
    )


def executives_not_joined(reference: str, names: list[str]) -> Text:
    """Told to admins: executives who could not be alerted because they have not joined."""
    listed = "\n".join(f"• {n}" for n in names)
    return Text(
        "⚠️ ผู้บริหารต่อไปนี้ยังไม่ได้เข้าร่วมบอท จึงไม่ได้รับแจ้งเหตุ ",
        b(reference),
        f"\n{listed}\nกรุณาออกรหัสเชิญ (incident-bot roster invite) และแจ้งทางโทรศัพท์",
    )


def delivery_failed_to_admins(name: str, reference: str | None) -> Text:
    """Told to admins when a message could not be sent because of a fault in the system."""
    about = f" เรื่อง {reference}" if reference else ""
    return Text(
        "⚠️ ระบบส่งข้อความถึง ",
        b(name),
        f"{about} ไม่สำเร็จหลายครั้งเนื่องจากระบบขัดข้อง จึงหยุดส่งแล้ว กรุณาติดต่อผู้รับโดยตรงและแจ้งผู้ดูแลระบบ",
    )


def unreachable_to_admins(name: str, reason: str) -> Text:
    """Told to admins when the channel refuses to deliver to someone."""
    return Text(
        "⚠️ ส่งข้อความถึง ",
        b(name),
        f" ไม่ได้ ({reason}) ผู้ใช้อาจบล็อกบอทหรือลบแชต กรุณาติดต่อให้เปิดบอทอีกครั้ง",
    )


# Why a person is unreachable on a channel that says they blocked the account.
BLOCKED_ON = {Channel.LINE: "บล็อกบัญชี LINE ของระบบ", Channel.TELEGRAM: "บล็อกบอท"}

QUOTA_FALLBACK = "ℹ️ ส่งทาง Telegram แทน LINE เนื่องจากโควตาข้อความ LINE ของจังหวัดในเดือนนี้หมดแล้ว"


def quota_unreached_to_admins(name: str, reference: str | None) -> Text:
    """Told to admins when LINE refused a message for the monthly quota and the person has no
    other channel."""
    about = f" เรื่อง {reference}" if reference else ""
    return Text(
        "⚠️ ส่งข้อความถึง ",
        b(name),
        f"{about} ทาง LINE ไม่ได้ เนื่องจากโควตาข้อความ LINE ของเดือนนี้หมดแล้ว "
        "และผู้รับไม่มีช่องทางอื่น กรุณาติดต่อผู้รับโดยตรง และเพิ่มโควตาใน LINE Official Account Manager",
    )

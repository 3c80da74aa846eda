"""Thai texts of the conversation after an alert.

Every text with formatting is channel-neutral `Text` (the channel renders it); the rest are
plain strings."""

from __future__ import annotations

from datetime import datetime

from incidents.policy import Refusal
from incidents.text import report as r
from incidents.text.fitting import measure
from incidents.text.labels import STATUS_LABELS
from incidents.text.rich import Text, b, i
from storage.models import IncidentStatus, Urgency

BUTTON_SEND_NEWS = "📝 ส่งความคืบหน้า (ข้อความ/รูป/พิกัด)"
BUTTON_CLOSE = "🔒 ปิดเหตุการณ์"
BUTTON_REOPEN = "🔓 เปิดเหตุการณ์อีกครั้ง"
BUTTON_ACK_INSTRUCTION = "✅ รับทราบข้อสั่งการ"
BUTTON_ANSWER = "✍️ ตอบ"
BUTTON_INSTRUCT = "📝 สั่งการ"
BUTTON_REQUEST = "❓ ขอข้อมูล"
BUTTON_DONE = "เสร็จสิ้น"
BUTTON_NO_QUESTION = "ส่งคำขอโดยไม่ระบุคำถาม"

CHOOSE_INCIDENT = "เลือกเหตุการณ์ที่ต้องการส่งความคืบหน้า"
NO_OPEN_INCIDENTS = "ไม่มีเหตุการณ์ที่ยังเปิดอยู่"
NOTHING_FOR_YOU = "ไม่มีเหตุการณ์ที่ยังเปิดอยู่ในหน่วยงานของท่าน"


def ask_news(reference: str) -> Text:
    """The prompt for news about one incident."""
    return Text(
        "ส่งความคืบหน้าของ ",
        b(reference),
        " ได้เลย: ข้อความ รูปภาพ หรือพิกัด (ส่งได้หลายรายการ) เสร็จแล้วกด “เสร็จสิ้น”",
    )


NEWS_SENT = "ส่งถึงผู้บริหารแล้ว ส่งเพิ่มได้ หรือกด “เสร็จสิ้น”"
NEWS_FILES_TOO_MANY = (
    "ส่งไฟล์เป็นความคืบหน้าได้ไม่เกิน {limit} รายการต่อเหตุการณ์ ไฟล์นี้จึงไม่ได้ส่ง "
    "ส่งความคืบหน้าเป็นข้อความหรือพิกัดได้ตามปกติ"
)
NEWS_DONE = "เรียบร้อย ขอบคุณสำหรับความคืบหน้า"


def ask_instruction(reference: str) -> Text:
    """The prompt for an executive's instruction."""
    return Text("พิมพ์ข้อสั่งการสำหรับเหตุ ", b(reference), " (ข้อความถัดไปจะถูกส่งถึงผู้รายงาน)")


INSTRUCTION_SENT = "ส่งข้อสั่งการถึงผู้รายงานแล้ว"


def ask_question(reference: str) -> Text:
    """The prompt for an executive's request for information."""
    return Text(
        "พิมพ์สิ่งที่ต้องการทราบเพิ่มเติมเกี่ยวกับเหตุ ",
        b(reference),
        " หรือกดส่งคำขอโดยไม่ระบุคำถาม",
    )


REQUEST_SENT = "ส่งคำขอข้อมูลถึงผู้รายงานแล้ว"


def ask_answer(reference: str) -> Text:
    """The prompt for the reporter's answer to a request."""
    return Text("พิมพ์ข้อมูลที่ผู้บริหารขอสำหรับเหตุ ", b(reference))


ANSWER_SENT = "ส่งข้อมูลถึงผู้บริหารแล้ว ขอบคุณ"


def ask_summary(reference: str) -> Text:
    """The prompt for the closing summary."""
    return Text("พิมพ์สรุปสั้น ๆ เพื่อปิดเหตุการณ์ ", b(reference))


def closed_ok(reference: str) -> Text:
    """An incident was closed."""
    return Text("ปิดเหตุการณ์ ", b(reference), " แล้ว")


def reopened_ok(reference: str) -> Text:
    """An incident was opened again."""
    return Text("เปิดเหตุการณ์ ", b(reference), " อีกครั้งแล้ว")


# Ends on the label itself: a word after it ("… แล้ว") doubles the label's own last word.
STATUS_OK = "บันทึกสถานะใหม่: {status}"
INSTRUCTION_ACK_OK = "รับทราบข้อสั่งการแล้ว"
CANCELLED = "ยกเลิกแล้ว"
TEXT_EXPECTED = "ขั้นตอนนี้ต้องการข้อความ กรุณาพิมพ์ข้อความ"
SUMMARY_LIMITS = (5, 1000)
# As much as one Telegram message carries; longer copies are cut with a pointer to the web.
INSTRUCTION_LIMITS = (2, 4096)

# One message per reason a thread or alert action is refused.
REFUSALS: dict[Refusal, str] = {
    Refusal.NOT_FOUND: "ไม่พบเหตุการณ์นี้ หรือท่านไม่มีสิทธิ์เข้าถึง",
    Refusal.NOT_ALLOWED: "ขออภัย ท่านไม่มีสิทธิ์ดำเนินการนี้กับเหตุการณ์นี้",
    Refusal.NOT_RECIPIENT: ("ขออภัย ท่านไม่ได้อยู่ในรายชื่อผู้รับการแจ้งเตือนเหตุนี้ จึงดำเนินการนี้ไม่ได้"),
    Refusal.CLOSED: ("เหตุการณ์นี้ปิดแล้ว จึงรับความคืบหน้าหรือคำสั่งเพิ่มไม่ได้ หากจำเป็น ผู้บริหารเปิดใหม่ได้"),
    Refusal.NOT_CLOSED: "เหตุการณ์นี้ยังไม่ได้ปิด",
    Refusal.SAME_STATUS: "เหตุการณ์อยู่ในสถานะนี้อยู่แล้ว",
    Refusal.NOT_LINKABLE: (
        "เชื่อมโยงไม่ได้ เหตุที่เชื่อมโยงกันต้องเป็นเหตุจริงทั้งคู่ หรือเป็นเหตุในการฝึกซ้อมเดียวกัน และต้องเป็นคนละเหตุ"
    ),
}


def update_heading(reference: str, name: str) -> Text:
    """Heads a reporter's news in the executives' thread."""
    return Text("📰 ", b(f"ความคืบหน้า {reference}"), f" จาก {name}")


def status_changed(reference: str, status: IncidentStatus, name: str) -> Text:
    """A status change, told in the thread."""
    return Text("🔄 ", b(reference), " สถานะ: ", b(STATUS_LABELS[status]), f" (โดย {name})")


def instruction(reference: str, name: str, position: str, text: str) -> Text:
    """An instruction as the reporter receives it."""
    return Text("📝 ", b(f"ข้อสั่งการ เหตุ {reference}"), f"\nจาก {name} ({position})\n\n{text}")


def instruction_copy(body: Text) -> Text:
    """The same instruction, for the other executives."""
    return Text(body, "\n\n", i("(ส่งถึงผู้รายงานแล้ว)"))


def instruction_acknowledged(reference: str, name: str) -> Text:
    """Told to the thread when the reporter acknowledges an instruction."""
    return Text(f"✅ {name} รับทราบข้อสั่งการเหตุ ", b(reference), " แล้ว")


def instruction_reminder(reference: str, text: str) -> Text:
    """The one reminder of an instruction not yet acknowledged."""
    return Text("🔔 ", b(f"เตือน: ข้อสั่งการเหตุ {reference} ยังไม่ได้รับทราบ"), f"\n\n{text}")


def info_requested(reference: str, name: str, question: str) -> Text:
    """A request for information as the reporter receives it."""
    asked = question or "กรุณาส่งข้อมูลสถานการณ์ล่าสุด"
    return Text("❓ ", b(f"ขอข้อมูลเพิ่มเติม เหตุ {reference}"), f"\nจาก {name}\n\n{asked}")


def info_answered(reference: str, name: str, asker: str, question: str, answer: str) -> Text:
    """The reporter's answer in the executives' thread."""
    asked = f"\nคำถาม: {question}" if question else ""
    return Text(
        "💬 ", b(f"ข้อมูลเพิ่มเติม {reference}"), f" จาก {name} (ตอบ {asker}){asked}\n\n{answer}"
    )


def closed(reference: str, name: str, summary: str) -> Text:
    """Told to everyone when an incident is closed."""
    return Text("🔒 ", b(f"ปิดเหตุการณ์ {reference}"), f" โดย {name}\nสรุป: {summary}")


def reopened(reference: str, name: str) -> Text:
    """Told to everyone when an incident is reopened."""
    return Text("🔓 ", b(f"เปิดเหตุการณ์ {reference} อีกครั้ง"), f" โดย {name}")


def _acknowledgement(status: IncidentStatus, acknowledged: bool) -> str:
    """The status with who has it, unless the status label already says so."""
    label = STATUS_LABELS[status]
    if status is IncidentStatus.REPORTED and not acknowledged:
        return label
    if status is IncidentStatus.ACKNOWLEDGED and acknowledged:
        return label
    return f"{label} · {'ผู้บริหารรับทราบแล้ว' if acknowledged else 'ยังไม่มีผู้บริหารรับทราบ'}"


def open_list_item(
    reference: str,
    age: str,
    urgency: str,
    status: IncidentStatus,
    acknowledged: bool,
    place: str,
    *,
    drill: bool = False,
) -> Text:
    """One line of /open (the place already shortened, `age` as from age()); a drill's says so."""
    mark = ("🧪 " if drill else "") + ("✅" if acknowledged else "⏳")
    state = _acknowledgement(status, acknowledged)
    return Text(f"{mark} ", b(reference), f" · {urgency} · {state}\n   {place} · แจ้ง{age}")


def age(created: datetime, now: datetime) -> str:
    """How long ago, in Thai, to follow "แจ้ง" ("เมื่อสักครู่", "เมื่อ 5 นาทีที่แล้ว")."""
    minutes = int((now - created).total_seconds() // 60)
    if minutes < 1:
        return "เมื่อสักครู่"
    if minutes < 60:
        return f"เมื่อ {minutes} นาทีที่แล้ว"
    if minutes < 60 * 48:
        return f"เมื่อ {minutes // 60} ชั่วโมงที่แล้ว"
    return f"เมื่อ {minutes // (60 * 24)} วันที่แล้ว"


def urgency_label(urgency: Urgency) -> str:
    """Urgency with its colour."""
    return f"{r.URGENCY_ICONS[urgency]} {r.URGENCY_LABELS[urgency]}"


OPEN_MORE = "\n\nและอีก {rest} เหตุการณ์ ดูทั้งหมดได้ที่เว็บบันทึกเหตุการณ์ (/web)"


def open_list(items: list[Text], limit: int) -> Text:
    """/open's items, as many as one message holds, then how many more there are."""
    for count in range(len(items), 0, -1):
        rest = len(items) - count
        text = Text.join("\n", items[:count]) + (OPEN_MORE.format(rest=rest) if rest else "")
        if measure(text.plain()) <= limit:
            return text
    return Text(OPEN_MORE.format(rest=len(items)).strip())

"""Thai texts of choosing one's own channels (/channels on Telegram, ช่องทาง on LINE)."""

from __future__ import annotations

from incidents.text.rich import Part, Text, b
from storage.models import Reach

TITLE = "📡 ช่องทางรับการแจ้งเตือน"
# What each choice means, as a button and as the current state.
CHOICES = {
    Reach.ALL: "ทั้ง Telegram และ LINE",
    Reach.TELEGRAM: "Telegram เท่านั้น",
    Reach.LINE: "LINE เท่านั้น",
}
JOINED = "ผูกบัญชีแล้ว"
NOT_JOINED = "ยังไม่ได้ผูกบัญชี"
UNREACHABLE = "ติดต่อไม่ได้ (บัญชีถูกบล็อกหรือปิดการรับข้อความ)"
CHOOSE = "เลือกช่องทางที่ต้องการรับการแจ้งเหตุ การเตือน และข้อสั่งการ:"
ONLY_ONE = (
    "ขณะนี้ผูกบัญชีไว้ช่องทางเดียว หากต้องการรับทางอีกช่องทางหนึ่งด้วย "
    "กรุณาขอรหัสเชิญจากผู้ดูแลระบบ แล้วส่งรหัสนั้นในช่องทางนั้น"
)
CHANGED = "✅ บันทึกแล้ว ต่อไปนี้ระบบจะแจ้งทาง {choice}"
UNCHANGED = "ช่องทางนี้เป็นช่องทางที่เลือกไว้อยู่แล้ว"
NOT_BOUND = (
    "ยังเลือกรับทาง {channel} เท่านั้นไม่ได้ เนื่องจากยังไม่ได้ผูกบัญชี {channel} หรือระบบติดต่อทาง {channel} ไม่ได้"
)
# The word a LINE member types to see and change their channels (LINE has no slash commands).
LINE_KEYWORDS = ("ช่องทาง", "/channels")


def state(reach: Reach, telegram: str, line: str, *, note: str = "", choosing: bool = True) -> Text:
    """The screen: each channel's state, the current choice, then what the buttons do."""
    parts: list[Part] = [
        TITLE,
        "\n\n",
        f"Telegram: {telegram}\nLINE: {line}\n",
        "รับการแจ้งเตือนทาง: ",
        b(CHOICES[reach]),
    ]
    if note:
        parts += ["\n\n", note]
    parts += ["\n\n", CHOOSE if choosing else ONLY_ONE]
    return Text(*parts)

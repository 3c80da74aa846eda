"""Thai answers to messages that fit no step or command: polite, and saying what to do next."""

from __future__ import annotations

from incidents.text.report import REPORT_BUTTON
from incidents.text.rich import Text
from storage.models import Role

# Openings people write to a bot; matched at the start of the message, case-insensitively.
GREETINGS = ("สวัสดี", "หวัดดี", "ดีครับ", "ดีค่ะ", "ดีคะ", "hello", "good morning", "hi")
THANKS = ("ขอบคุณ", "ขอบใจ", "thank")

WHAT_NEXT: dict[Role, tuple[str, ...]] = {
    Role.REPORTER: (
        f"แจ้งเหตุใหม่: กดปุ่ม “{REPORT_BUTTON}” ด้านล่าง หรือพิมพ์ /report",
        "ส่งความคืบหน้าของเหตุที่แจ้งไว้แล้ว: พิมพ์ /update",
    ),
    Role.EXECUTIVE: (
        "ดูเหตุการณ์ที่ยังเปิดอยู่ รับทราบ สั่งการ หรือขอข้อมูล: พิมพ์ /open",
        "สั่งการได้ทันทีโดยตอบกลับ (reply) ข้อความแจ้งเหตุ",
    ),
    Role.ADMIN: (
        "ดูเหตุการณ์ทั้งหมดและบันทึกการใช้งานในเว็บ: พิมพ์ /web",
        "ดูเหตุการณ์ที่ยังเปิดอยู่: พิมพ์ /open",
    ),
}
HELP_LINE = "ดูวิธีใช้งานและคำสั่งทั้งหมด: พิมพ์ /help"


def unknown_reply(name: str, roles: frozenset[Role], *, greeted: bool, thanked: bool) -> Text:
    """The answer to a message no step or command took, for a person on the roster."""
    if greeted:
        opening = f"สวัสดี {name} ระบบรายงานเหตุการณ์ยินดีให้บริการ"
    elif thanked:
        opening = "ด้วยความยินดี"
    else:
        opening = "ขออภัย ระบบยังไม่เข้าใจข้อความนี้"
    steps = [line for role in Role if role in roles for line in WHAT_NEXT[role]]
    listed = "\n".join(f"• {line}" for line in [*steps, HELP_LINE])
    return Text(f"{opening}\n\nสิ่งที่ท่านทำได้ขณะนี้:\n{listed}")

"""Thai texts of the sandbox (โหมดทดลอง): its banner, its phone pages and their script.

Plain strings, never markup: the templates escape them, and the phones' script sets them as
text content.
"""

from __future__ import annotations

BANNER = "🧪 โหมดทดลอง — ไม่ได้เชื่อมต่อ Telegram หรือ LINE ข้อความทั้งหมดเป็นการจำลอง ไม่มีใครได้รับข้อความจริง"

BANNER_LINK = "เปิดโทรศัพท์จำลอง"

UNKNOWN_PERSON = "ไม่พบผู้ใช้งานนี้ในโหมดทดลอง กรุณากลับไปเลือกผู้ใช้งานใหม่"
UNKNOWN_SAMPLE = "ไม่พบไฟล์ตัวอย่างนี้"
UNKNOWN_PLACE = "ไม่พบสถานที่นี้"
UNKNOWN_FILE = "ไม่พบไฟล์นี้ในแชตของผู้ใช้งานนี้"
BAD_BODY = "ข้อมูลที่ส่งมาไม่ถูกต้อง กรุณาลองอีกครั้ง"
TOO_MANY_PHONES = "เปิดพร้อมกันได้ไม่เกิน {limit} เครื่อง กรุณาเลือกใหม่"
PICK_SOMEONE = "กรุณาเลือกอย่างน้อยหนึ่งคน"


def seat_name(district: str) -> str:
    """The place a district's seat is offered as, e.g. `ที่ว่าการอำเภอตะพานหิน`."""
    return f"ที่ว่าการอำเภอ{district}"


# The phones' script shows these; the page hands them over as data attributes (the script
# holds no Thai of its own). Keys are the attribute names after `data-t-`.
SCRIPT_TEXTS: dict[str, str] = {
    "edited": "แก้ไขแล้ว",
    "photo": "รูปภาพ",
    "document": "เอกสาร",
    "location": "ตำแหน่งที่ตั้ง",
    "reply": "ตอบกลับ",
    "cancel-reply": "ยกเลิกการตอบกลับ",
    "send": "ส่ง",
    "placeholder": "พิมพ์ข้อความ",
    "ok": "ตกลง",
    "failed": "ส่งไม่สำเร็จ กรุณาลองอีกครั้ง",
    "offline": "ขาดการเชื่อมต่อชั่วคราว กำลังเชื่อมต่อใหม่…",
    "empty": "ยังไม่มีข้อความ ลองพิมพ์ /start เพื่อเริ่มต้น",
    "me": "ฉัน",
    "spoiler": "แตะเพื่อดูข้อความที่ซ่อนไว้",
    "new": "มีข้อความใหม่",
    "image": "รูปภาพ (ไม่แสดงในโหมดทดลอง)",
}

# The chat app a phone is, on the chooser and above each phone (names as the apps spell them).
CHANNEL_NAMES: dict[str, str] = {"telegram": "Telegram", "line": "LINE"}
# Said on a LINE phone above its chat: whose Official Account it talks to.
LINE_ACCOUNT = "บัญชีทางการ LINE ของจังหวัด (จำลอง)"


# The chooser's groups of people (the phones' owners), and how the sample roster's positions
# tell the Governor and the deputies from the other executives.
GOVERNOR_POSITION = "ผู้ว่าราชการจังหวัด"
DEPUTY_POSITION = "รองผู้ว่าราชการจังหวัด"
ROLE_GOVERNOR = "ผู้ว่าราชการจังหวัด"
ROLE_DEPUTY = "รองผู้ว่าราชการจังหวัด"
ROLE_DISTRICT_CHIEF = "นายอำเภอ"
ROLE_AGENCY_HEAD = "หัวหน้าส่วนราชการ"
ROLE_ADMIN = "ผู้ดูแลระบบ"

# The sample files a phone can attach.
SAMPLE_PHOTO = "ภาพตัวอย่าง: น้ำท่วมถนน"
SAMPLE_DOCUMENT = "เอกสารตัวอย่าง: บันทึกข้อความ (PDF)"

# Printed when the sandbox is up: where to open it, and how to go live instead.
STARTED = "โหมดทดลอง: เปิด {url}/sandbox"
GO_LIVE = "ใช้งานจริง: ใส่ TELEGRAM_BOT_TOKEN ใน .env (คัดลอกจาก .env.example) แล้วรัน ./scripts/run.sh"

# Sample past incidents, filed through the real conversation when the sandbox starts; the
# mark says in their own text that they are samples.
SAMPLE_MARK = "[ตัวอย่าง]"

# The simulated bot's name, above its messages on the phones.
BOT_NAME = "แจ้งเหตุด่วน (ทดลอง)"

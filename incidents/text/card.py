"""Thai labels of the alert card, the alert drawn as rows (LINE's Flex Message), not as text."""

from __future__ import annotations

ROW_PLACE = "สถานที่"
ROW_OCCURRED = "เกิดเหตุ"
ROW_RECEIVED = "รับแจ้ง"
ROW_REPORTER = "ผู้แจ้ง"
ROW_PHONE = "โทร"
ROW_DEAD = "เสียชีวิต"
ROW_INJURED = "บาดเจ็บ"
ROW_MISSING = "สูญหาย"
ROW_HOUSEHOLDS = "ครัวเรือน"
ROW_DAMAGE = "ความเสียหาย"
ROW_ATTACHMENTS = "แนบ"
DESCRIPTION = "รายละเอียด"
PHOTOS = "รูปภาพ {count} รูป"
FILES = "ไฟล์ {count} ไฟล์"
# Files are not sent with the card (a channel needs an address it can fetch them from).
ON_WEB = "ดูได้ในเว็บ"
LOCATION = "พิกัด (ส่งตามมา)"
NO_PHONE = "-"

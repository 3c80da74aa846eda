"""Thai texts of the web log: labels shared by its pages and exports, and the bot's /web reply.

Plain strings and `Text`, never markup: the web's templates escape what they show, and the
Telegram adapter renders the /web reply.
"""

from __future__ import annotations

from incidents.audit import ActorSource
from incidents.records.filters import DrillFilter, LinkedCount, SortKey, SortOrder
from incidents.text.rich import Text, b, link
from storage.models import (
    AttachmentKind,
    AuditAction,
    DeliveryStatus,
    EventKind,
    RecipientRole,
)

EVENT_LABELS: dict[EventKind, str] = {
    EventKind.FILED: "รับแจ้งเหตุ",
    EventKind.ACKNOWLEDGED: "ผู้บริหารรับทราบ",
    EventKind.REMINDED: "เตือนผู้บริหาร",
    EventKind.ESCALATED: "ยกระดับการแจ้งเตือน",
    EventKind.UPDATE: "รายงานความคืบหน้า",
    EventKind.STATUS_CHANGED: "เปลี่ยนสถานะ",
    EventKind.INSTRUCTION: "ข้อสั่งการ",
    EventKind.INSTRUCTION_ACKNOWLEDGED: "ผู้รายงานรับทราบข้อสั่งการ",
    EventKind.INSTRUCTION_REMINDED: "เตือนให้รับทราบข้อสั่งการ",
    EventKind.INFO_REQUESTED: "ขอข้อมูลเพิ่มเติม",
    EventKind.INFO_PROVIDED: "ส่งข้อมูลเพิ่มเติม",
    EventKind.CLOSED: "ปิดเหตุการณ์",
    EventKind.REOPENED: "เปิดเหตุการณ์อีกครั้ง",
    EventKind.LINKED: "เชื่อมโยงกับเหตุที่เกี่ยวข้อง",
    EventKind.UNLINKED: "ยกเลิกการเชื่อมโยงกับเหตุที่เกี่ยวข้อง",
}

RECIPIENT_LABELS: dict[RecipientRole, str] = {
    RecipientRole.EXECUTIVE: "ผู้บริหาร",
    RecipientRole.WAR_ROOM: "กลุ่มห้องสถานการณ์",
    RecipientRole.ESCALATION: "ผู้รับการยกระดับ",
}

DELIVERY_LABELS: dict[DeliveryStatus, str] = {
    DeliveryStatus.PENDING: "กำลังส่ง",
    DeliveryStatus.SENT: "ส่งถึงแล้ว",
    DeliveryStatus.FAILED: "ส่งไม่ถึง",
    DeliveryStatus.SKIPPED: "ไม่ได้ส่ง",
}

ATTACHMENT_LABELS: dict[AttachmentKind, str] = {
    AttachmentKind.PHOTO: "รูปภาพ",
    AttachmentKind.DOCUMENT: "เอกสาร",
    AttachmentKind.VOICE: "ข้อความเสียง",
    AttachmentKind.VIDEO: "วิดีโอ",
    AttachmentKind.AUDIO: "ไฟล์เสียง",
}

AUDIT_LABELS: dict[AuditAction, str] = {
    AuditAction.ROSTER_IMPORTED: "นำเข้าทะเบียนรายชื่อ",
    AuditAction.PERSON_DEACTIVATED: "ระงับการใช้งานผู้ใช้",
    AuditAction.PERSON_REACH_SET: "กำหนดช่องทางรับการแจ้งเหตุ",
    AuditAction.INVITE_CREATED: "ออกรหัสเชิญ",
    AuditAction.INVITE_ACCEPTED: "เข้าร่วมระบบด้วยรหัสเชิญ",
    AuditAction.INVITE_REFUSED: "ปฏิเสธรหัสเชิญ",
    AuditAction.STRANGER_REFUSED: "ปฏิเสธบัญชีนอกทะเบียน",
    AuditAction.ALERT_ACTION_REFUSED: "ปฏิเสธการกดปุ่มแจ้งเตือน",
    AuditAction.RECIPIENT_UNREACHABLE: "ส่งข้อความไม่ถึงผู้รับ",
    AuditAction.THREAD_ACTION_REFUSED: "ปฏิเสธการดำเนินการกับเหตุการณ์",
    AuditAction.WEB_LINK_ISSUED: "ขอลิงก์เข้าสู่เว็บ",
    AuditAction.WEB_LOGIN: "เข้าสู่ระบบเว็บ",
    AuditAction.WEB_LOGIN_REFUSED: "ปฏิเสธการเข้าสู่ระบบเว็บ",
    AuditAction.WEB_LOGOUT: "ออกจากระบบเว็บ",
    AuditAction.WEB_LIST_VIEWED: "ดูรายการเหตุการณ์",
    AuditAction.WEB_SITUATION_VIEWED: "ดูสถานการณ์ปัจจุบัน",
    AuditAction.WEB_INCIDENT_VIEWED: "ดูรายละเอียดเหตุการณ์",
    AuditAction.WEB_FILE_VIEWED: "เปิดไฟล์แนบ",
    AuditAction.WEB_PHOTO_LINK_OPENED: "เปิดรูปภาพผ่านลิงก์ในการแจ้งเหตุทาง LINE",
    AuditAction.WEB_STATISTICS_VIEWED: "ดูสถิติ",
    AuditAction.WEB_EXPORTED: "ส่งออกข้อมูล",
    AuditAction.WEB_AUDIT_VIEWED: "ดูบันทึกการใช้งาน",
    AuditAction.WEB_DRILL_VIEWED: "ดูรายงานผลการฝึกซ้อม",
    AuditAction.WEB_ACCESS_REFUSED: "ปฏิเสธการเข้าถึงข้อมูลในเว็บ",
    AuditAction.LINE_QUOTA_WARNED: "แจ้งผู้ดูแลระบบว่าโควตาข้อความ LINE ใกล้หมด",
    AuditAction.SUBSCRIBER_ADDED: "เพิ่มระบบรับข้อมูล",
    AuditAction.SUBSCRIBER_REVOKED: "ยกเลิกระบบรับข้อมูล",
    AuditAction.WEBHOOK_GAVE_UP: "หยุดส่งเหตุการณ์ที่ระบบรับข้อมูลไม่รับ",
    AuditAction.WEBHOOK_RECEIVER_FAILING: "แจ้งผู้ดูแลระบบว่าระบบรับข้อมูลไม่รับเหตุการณ์",
    AuditAction.FEED_READ: "ระบบรับข้อมูลอ่านฟีด CAP",
    AuditAction.FEED_REFUSED: "ปฏิเสธการอ่านฟีด CAP",
    AuditAction.RECORDS_PURGED: "ลบหรือปกปิดข้อมูลที่พ้นระยะเวลาการเก็บรักษา",
}

# An incident's fields, as its page labels them and the CSV export names its columns (keys
# are the JSON export's), in the bot's words (its report review says the same).
FIELD_LABELS: dict[str, str] = {
    "drill": "การฝึกซ้อม",
    "reference": "เลขที่",
    "occurred_at": "เวลาเกิดเหตุ",
    "reported_at": "เวลารับแจ้ง",
    "category": "ประเภท",
    "urgency": "ความเร่งด่วน",
    "ddpm_level": "ระดับสาธารณภัย",
    "district_code": "รหัสอำเภอ",
    "district": "อำเภอ",
    "place": "สถานที่",
    "location": "พิกัด",
    "latitude": "ละติจูด",
    "longitude": "ลองจิจูด",
    "description": "รายละเอียด",
    "dead": "เสียชีวิต",
    "injured": "บาดเจ็บ",
    "missing": "สูญหาย",
    "affected_households": "ครัวเรือนได้รับผลกระทบ",
    "damage_note": "ความเสียหาย",
    "reporter_name": "ผู้รายงาน",
    "reporter_position": "ตำแหน่ง",
    "reporter_phone": "โทรศัพท์",
    "agency": "หน่วยงาน",
    "status": "สถานะ",
    "acknowledged": "รับทราบครั้งแรก",
    "acknowledged_at": "เวลารับทราบครั้งแรก",
    "acknowledged_by": "ผู้รับทราบครั้งแรก",
    "instructions": "ข้อสั่งการ",
    "closed": "ปิดเหตุการณ์",
    "closed_at": "เวลาปิดเหตุการณ์",
    "closed_by": "ผู้ปิดเหตุการณ์",
    "close_summary": "สรุปการปิดเหตุการณ์",
}
# A time column's twin in the CSV, for software that sorts times.
ISO_COLUMN = "{label} (ISO 8601)"
NOT_GIVEN = "ไม่ได้ระบุ"
ATTACHMENTS_HEADING = "รูปภาพและไฟล์"


def own_agency_only(agency: str) -> str:
    """Tells a reporter the list holds only their agency's incidents."""
    return f"ท่านเห็นเฉพาะเหตุการณ์ที่หน่วยงานของท่านรายงาน ({agency})"


def own_agency_statistics(agency: str) -> str:
    """Tells a reporter the figures count only their agency's incidents."""
    return f"สถิตินี้นับเฉพาะเหตุการณ์ที่หน่วยงานของท่านรายงาน ({agency})"


# Plain answers outside the pages: an unknown address, a wrong method, a refused form.
HTTP_ERRORS: dict[int, str] = {404: "ไม่พบหน้าเว็บที่ต้องการ", 405: "ไม่รองรับคำขอนี้"}
# A search with more matches than the list counts (incidents/records/queries.py).
SEARCH_MORE_THAN = "มากกว่า {count}"
SEARCH_CAPPED = (
    "แสดงเฉพาะ {count} เหตุการณ์แรกตามลำดับที่เลือก กรุณาระบุคำค้นให้ละเอียดขึ้นหรือเลือกเงื่อนไขเพิ่ม "
    "หรือส่งออกไฟล์เพื่อดูทั้งหมด"
)

BAD_REQUEST = "คำขอไม่ถูกต้อง"
LOGIN_REQUIRED = "ต้องเข้าสู่ระบบก่อน"
CSRF_REFUSED = "คำขอนี้ไม่ผ่านการตรวจสอบความปลอดภัย กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"
# /metrics without its bearer token, or from elsewhere than this machine when it has none.
METRICS_REFUSED = "ไม่มีสิทธิ์เข้าถึงข้อมูลการทำงานของระบบ"


# What an audit row is about, by its subject type; the id is shown after the name where it
# means something to an admin (a reference, a name), and left out where it does not.
SUBJECT_LABELS: dict[str, str] = {
    "incident": "เหตุการณ์",
    "attachment": "ไฟล์แนบ",
    "incident_list": "รายการเหตุการณ์",
    "statistics": "สถิติ",
    "audit_log": "บันทึกการใช้งาน",
    "web_session": "การเข้าใช้งานเว็บ",
    "web_login_token": "ลิงก์เข้าสู่เว็บ",
    "roster": "ทะเบียนรายชื่อ",
    "person": "ผู้ใช้",
    "invite": "รหัสเชิญ",
    "telegram_user": "บัญชี Telegram",
    "chat": "แชต Telegram",
    "line_quota": "โควตาข้อความ LINE ประจำเดือน",
}
SUBJECTS_WITHOUT_ID = frozenset({"web_session", "web_login_token", "roster"})
NUMBERED = "ลำดับ"

# The details audit rows carry, by key, and the closed sets of values some of them take.
DETAIL_LABELS: dict[str, str] = {
    "filters": "ตัวกรอง",
    "shown": "จำนวนที่แสดง",
    "format": "รูปแบบไฟล์",
    "incident": "เหตุการณ์",
    "page": "หน้า",
    "reason": "เหตุผล",
    "button": "การดำเนินการ",
    "file": "ไฟล์",
    "created": "เพิ่มใหม่",
    "updated": "ปรับปรุง",
    "unchanged": "ไม่เปลี่ยนแปลง",
    "invite_id": "รหัสเชิญลำดับ",
    "expires_at": "หมดอายุ",
    "replaced_previous_account": "แทนบัญชี Telegram เดิม",
    "what": "สิ่งที่ส่งมา",
    "admins_notified": "แจ้งผู้ดูแลระบบแล้ว",
    "used": "ใช้ไปแล้ว",
    "limit": "โควตาต่อเดือน",
    "percent": "ร้อยละที่ใช้",
}
OTHER_DETAIL = "ข้อมูลอื่น"
FORMAT_LABELS: dict[str, str] = {"csv": "CSV (Excel)", "json": "JSON", "cap": "CAP 1.2 (XML)"}
REASON_LABELS: dict[str, str] = {
    "unknown": "รหัสหรือลิงก์ไม่ถูกต้อง",
    "used": "ถูกใช้ไปแล้ว",
    "expired": "หมดอายุแล้ว",
    "inactive": "บัญชีถูกระงับการใช้งาน",
    "already_joined": "เข้าร่วมระบบอยู่แล้ว",
    "account_taken": "บัญชี Telegram ผูกกับผู้ใช้อื่นอยู่แล้ว",
}
# The buttons and thread actions a refusal names.
ACTION_LABELS: dict[str, str] = {
    "ack": "รับทราบ",
    "instruct": "สั่งการ",
    "info": "ขอข้อมูลเพิ่มเติม",
    "info_answer": "ส่งข้อมูลเพิ่มเติม",
    "instruction_ack": "รับทราบข้อสั่งการ",
    "status": "เปลี่ยนสถานะ",
    "update": "ส่งความคืบหน้า",
    "close": "ปิดเหตุการณ์",
    "reopen": "เปิดเหตุการณ์อีกครั้ง",
}
YES, NO = "ใช่", "ไม่ใช่"
# Where an audited action came from, when not a client address.
SOURCE_LABELS: dict[str, str] = {
    ActorSource.TELEGRAM: "Telegram",
    ActorSource.LINE: "LINE",
    ActorSource.CLI: "คำสั่ง incident-bot บนเครื่องแม่ข่าย",
    ActorSource.DISPATCHER: "ระบบส่งข้อความ",
}
# Who acted, when it was no person on the roster.
SYSTEM_ACTOR = "ระบบ"
ACTOR_LABELS: dict[str, str] = {"cli": "ผู้ดูแลเครื่องแม่ข่าย"}


# The list's filters by their query-string names: the form's labels, and how the audit log
# names what someone filtered by.
FILTER_LABELS: dict[str, str] = {
    "q": "คำค้น",
    "date_from": "ตั้งแต่วันที่",
    "date_to": "ถึงวันที่",
    "district": "อำเภอ",
    "category": "ประเภท",
    "urgency": "ความเร่งด่วน",
    "status": "สถานะ",
    "sort": "เรียงตาม",
    "order": "ลำดับ",
    "page": "หน้า",
    "drills": "การฝึกซ้อม",
    "linked": "เหตุที่เชื่อมโยงกัน",
}

DRILL_FILTER_LABELS: dict[DrillFilter, str] = {
    DrillFilter.EXCLUDE: "ไม่รวมการฝึกซ้อม",
    DrillFilter.INCLUDE: "รวมการฝึกซ้อม",
    DrillFilter.ONLY: "เฉพาะการฝึกซ้อม",
}
LINKED_COUNT_LABELS: dict[LinkedCount, str] = {
    LinkedCount.EACH: "นับทุกรายงาน",
    LinkedCount.ONCE: "นับเป็นเหตุเดียว (ตามรายงานแรก)",
}
DAY_FILTERS = ("date_from", "date_to")

SORT_LABELS: dict[SortKey, str] = {
    SortKey.OCCURRED: "เวลาเกิดเหตุ",
    SortKey.REPORTED: "เวลารับแจ้ง",
    SortKey.URGENCY: "ความเร่งด่วน",
    SortKey.DISTRICT: "อำเภอ",
    SortKey.CATEGORY: "ประเภท",
    SortKey.STATUS: "สถานะ",
    SortKey.REFERENCE: "เลขที่",
}
ORDER_LABELS: dict[SortOrder, str] = {
    SortOrder.DESC: "มากไปน้อย / ล่าสุดก่อน",
    SortOrder.ASC: "น้อยไปมาก / เก่าสุดก่อน",
}

DAY_EXAMPLE = "1/11/2569"
DAY_PLACEHOLDER = f"เช่น {DAY_EXAMPLE}"
# What the note quotes of a day that could not be read.
_TYPED_SHOWN = 30


def day_unreadable(field: str, typed: str) -> str:
    """The note on a list or statistics page when a typed day could not be read."""
    shown = typed if len(typed) <= _TYPED_SHOWN else typed[:_TYPED_SHOWN] + "…"
    return (
        f"ขออภัย ระบบอ่านวันที่ “{shown}” ในช่อง “{field}” ไม่ได้ จึงแสดงผลโดยไม่ใช้เงื่อนไขนี้ "
        f"กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น {DAY_EXAMPLE}"
    )


def instruction_line(at: str, author: str, text: str, acknowledged_at: str | None) -> str:
    """An instruction as an export lists it: when, from whom, what, and its acknowledgement."""
    acknowledged = f"รับทราบแล้ว {acknowledged_at}" if acknowledged_at else "ยังไม่รับทราบ"
    return f"{at} {author}: {text} ({acknowledged})"


WEB_PRIVATE_ONLY = "ลิงก์เข้าสู่เว็บส่งได้เฉพาะในแชตส่วนตัวกับบอท กรุณาพิมพ์ /web ในแชตส่วนตัว"
WEB_OFF = "ขออภัย เว็บบันทึกเหตุการณ์ยังไม่เปิดใช้งานในระบบนี้ กรุณาติดต่อสำนักงานจังหวัด"


def login_link(url: str, valid_until: str) -> Text:
    """The /web reply: a single-use sign-in link for the web log."""
    return Text(
        "🔐 ",
        b("ลิงก์เข้าสู่เว็บบันทึกเหตุการณ์"),
        "\n",
        link(url, url),
        "\n\n",
        f"ใช้ได้ครั้งเดียว ภายใน 10 นาที (ถึง {valid_until}) "
        "กรุณาอย่าส่งต่อลิงก์นี้ให้ผู้อื่น เพราะผู้ที่เปิดลิงก์จะเข้าสู่ระบบในนามของท่าน",
    )

"""Thai texts of the report conversation, as channel-neutral `Text` (incidents/text/rich.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from incidents.reports.parsing import InputProblem
from incidents.reports.view import ReportView
from incidents.text import drill
from incidents.text.fitting import TELEGRAM_TEXT_LIMIT, fit_text
from incidents.text.labels import UNKNOWN, count_text
from incidents.text.rich import Text, b, code, i
from incidents.thaidate import be_year, format_datetime
from storage.models import AttachmentKind, Category, ReportStep, Urgency

REPORT_BUTTON = "🚨 แจ้งเหตุด่วน"

CATEGORY_LABELS: dict[Category, str] = {
    Category.FLOOD: "อุทกภัย",
    Category.STORM: "วาตภัย",
    Category.FIRE: "อัคคีภัย",
    Category.DROUGHT: "ภัยแล้ง",
    Category.COLD: "ภัยหนาว",
    Category.WILDFIRE_HAZE: "ไฟป่า/หมอกควัน",
    Category.HAZMAT: "สารเคมี/วัตถุอันตราย",
    Category.MAJOR_ACCIDENT: "อุบัติเหตุร้ายแรง",
    Category.EPIDEMIC_HUMAN: "โรคระบาดในคน",
    Category.EPIDEMIC_ANIMAL: "โรคระบาดสัตว์",
    Category.EPIDEMIC_PLANT: "โรคระบาดพืช",
    Category.UNREST: "ความไม่สงบ/การชุมนุม",
    Category.SERIOUS_CRIME: "อาชญากรรมร้ายแรง",
    Category.UTILITIES: "สาธารณูปโภคขัดข้อง",
    Category.MEDIA: "ข่าว/สื่อสังคมกระทบภาพลักษณ์",
    Category.OTHER: "อื่น ๆ",
}

URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.MOST_URGENT: "ด่วนที่สุด",
    Urgency.VERY_URGENT: "ด่วนมาก",
    Urgency.URGENT: "ด่วน",
}
URGENCY_ICONS: dict[Urgency, str] = {
    Urgency.MOST_URGENT: "🔴",
    Urgency.VERY_URGENT: "🟠",
    Urgency.URGENT: "🟡",
}
URGENCY_HINTS: dict[Urgency, str] = {
    Urgency.MOST_URGENT: "มีผู้เสียชีวิตหรืออันตรายต่อชีวิต เหตุกำลังลุกลาม ต้องตัดสินใจทันที",
    Urgency.VERY_URGENT: "กระทบประชาชนจำนวนมากหรือภาพลักษณ์จังหวัด ต้องรับทราบโดยเร็ว",
    Urgency.URGENT: "เหตุสำคัญที่ผู้บริหารควรทราบ สถานการณ์ยังควบคุมได้",
}

DDPM_LABELS: dict[int, str] = {
    1: "ระดับ 1 ขนาดเล็ก",
    2: "ระดับ 2 ขนาดกลาง",
    3: "ระดับ 3 ขนาดใหญ่",
    4: "ระดับ 4 ร้ายแรงอย่างยิ่ง",
}

OFFSET_LABELS: dict[int, str] = {
    15: "15 นาทีที่แล้ว",
    30: "30 นาทีที่แล้ว",
    60: "1 ชั่วโมงที่แล้ว",
    120: "2 ชั่วโมงที่แล้ว",
    360: "6 ชั่วโมงที่แล้ว",
}

STEP_NAMES: dict[ReportStep, str] = {
    ReportStep.CATEGORY: "ประเภทเหตุ",
    ReportStep.URGENCY: "ความเร่งด่วน",
    ReportStep.DDPM_LEVEL: "ระดับสาธารณภัย",
    ReportStep.DISTRICT: "อำเภอ",
    ReportStep.PLACE: "สถานที่",
    ReportStep.LOCATION: "พิกัด",
    ReportStep.OCCURRED_AT: "เวลาเกิดเหตุ",
    ReportStep.DESCRIPTION: "รายละเอียด",
    ReportStep.IMPACT: "ผู้ได้รับผลกระทบ",
    ReportStep.DAMAGE: "ความเสียหาย",
    ReportStep.ATTACHMENTS: "รูปภาพ/ไฟล์",
}

FOOTER = Text("\n\n", i("พิมพ์ /cancel เพื่อยกเลิกรายงานนี้"))

# Each step's title and question; {today} and {yesterday_be} are filled in with dates.
PROMPTS: dict[ReportStep, tuple[str, str | Text]] = {
    ReportStep.DRILL: drill.PROMPT,
    ReportStep.CATEGORY: ("แจ้งเหตุ ขั้นที่ 1", "เหตุที่เกิดเป็นเหตุประเภทใด"),
    ReportStep.URGENCY: ("ความเร่งด่วน", "เลือกระดับความเร่งด่วนของเหตุนี้"),
    ReportStep.DDPM_LEVEL: (
        "ระดับสาธารณภัย (ปภ.)",
        "หากทราบ เลือกระดับตามเกณฑ์ ปภ. หากยังไม่ทราบ กด “ยังไม่ทราบ”",
    ),
    ReportStep.DISTRICT: ("อำเภอ", "เหตุเกิดในอำเภอใด"),
    ReportStep.PLACE: ("สถานที่", "พิมพ์สถานที่เกิดเหตุ เช่น หมู่บ้าน ตำบล ถนน หรือจุดสังเกต"),
    ReportStep.LOCATION: ("พิกัด", "กดปุ่ม “📍 ส่งตำแหน่งปัจจุบัน” หรือแนบตำแหน่งจากแผนที่ หากไม่สะดวก กด “ข้าม”"),
    ReportStep.LOCATION_CONFIRM: ("ตรวจสอบพิกัด", "ตำแหน่งที่ส่งมาอยู่นอกเขตจังหวัด ต้องการใช้ตำแหน่งนี้หรือไม่"),
    ReportStep.OCCURRED_AT: (
        "เวลาเกิดเหตุ",
        "เลือกจากปุ่ม หรือพิมพ์เวลา เช่น 14.30 หรือ {today} 14.30 "
        "(ระบุปี พ.ศ. ได้ เช่น {yesterday_be} 23.50) "
        "เวลาที่ยังมาไม่ถึงของวันนี้ ระบบจะบันทึกเป็นของเมื่อวาน",
    ),
    ReportStep.DESCRIPTION: (
        "รายละเอียด",
        "พิมพ์รายละเอียดว่าเกิดอะไรขึ้น สถานการณ์ปัจจุบัน และการดำเนินการที่ทำไปแล้ว",
    ),
    ReportStep.IMPACT: (
        "ผู้ได้รับผลกระทบ",
        Text(
            "พิมพ์ตัวเลขที่ทราบ เช่น\n",
            code("เสียชีวิต 0 บาดเจ็บ 3 สูญหาย 1 ครัวเรือน 120"),
            "\nรายการที่ไม่ได้ระบุจะบันทึกว่า “ยังไม่ทราบ” (ไม่ใช่ศูนย์)",
        ),
    ),
    ReportStep.DAMAGE: ("ความเสียหาย", "พิมพ์สรุปความเสียหาย เช่น บ้านเรือน ถนน พื้นที่เกษตร หรือกด “ข้าม”"),
    ReportStep.ATTACHMENTS: (
        "รูปภาพและไฟล์",
        "ส่งรูปภาพ เอกสาร ข้อความเสียง หรือวิดีโอได้หลายรายการ "
        "เมื่อครบแล้วกด “เสร็จสิ้น” (ไม่มีก็กด “เสร็จสิ้น” ได้เลย)",
    ),
}
ATTACHMENTS_KEPT = "\nเก็บไว้กับรายงานนี้แล้ว {count} รายการ"

BUTTON_SHARE_LOCATION = "📍 ส่งตำแหน่งปัจจุบัน"
BUTTON_SKIP = "ข้าม"
BUTTON_NOW = "เพิ่งเกิด / ขณะนี้"
BUTTON_UNKNOWN = "ยังไม่ทราบ"
BUTTON_IMPACT_NONE = "ไม่มีผู้เสียชีวิต บาดเจ็บ หรือสูญหาย"
BUTTON_IMPACT_UNKNOWN = "ยังไม่ทราบ (ระบุภายหลัง)"
BUTTON_DONE = "เสร็จสิ้น"
BUTTON_USE_LOCATION = "ใช้ตำแหน่งนี้"
BUTTON_RETRY_LOCATION = "ส่งตำแหน่งใหม่"
BUTTON_BACK_TO_REVIEW = "↩️ กลับไปหน้าสรุป"
BUTTON_CONFIRM = "✅ ยืนยันส่งรายงาน"
BUTTON_CANCEL = "❌ ยกเลิก"
BUTTON_EDIT = "✏️ "

NOT_A_REPORTER = (
    "ขออภัย การแจ้งเหตุใช้ได้เฉพาะผู้ที่มีบทบาทผู้รายงานเหตุในทะเบียน หากท่านควรมีสิทธิ์นี้ กรุณาติดต่อสำนักงานจังหวัด"
)
RESUMED = "ท่านมีรายงานที่ยังกรอกไม่เสร็จ ระบบจะทำต่อจากขั้นตอนเดิม (พิมพ์ /cancel หากต้องการเริ่มใหม่)"
CANCELLED = "ยกเลิกรายงานนี้แล้ว ข้อมูลที่กรอกไว้ไม่ถูกส่ง"
NOTHING_TO_CANCEL = "ไม่มีรายงานที่กำลังกรอกอยู่"
EXPIRED = (
    "รายงานที่ท่านเริ่มกรอกไว้ไม่มีความเคลื่อนไหวเกินกำหนด จึงหมดอายุและไม่ถูกส่ง "
    "หากยังต้องการแจ้งเหตุ กรุณาเริ่มใหม่ด้วยปุ่ม “🚨 แจ้งเหตุด่วน”"
)
STALE_BUTTON = "ปุ่มนี้มาจากข้อความก่อนหน้า ระบบแสดงขั้นตอนปัจจุบันให้อีกครั้ง"
ALREADY_FILED = "รายงานนี้ส่งแล้ว เลขที่ {reference} ไม่มีการส่งซ้ำ"
INCOMPLETE = "ยังกรอกข้อมูลไม่ครบ ระบบแสดงขั้นตอนที่ต้องกรอกให้อีกครั้ง"
ATTACHMENT_RECEIVED = "ได้รับแล้ว ({count} รายการ) ส่งเพิ่มได้ หรือกด “เสร็จสิ้น”"
ATTACHMENT_KEPT_EARLY = (
    "ได้รับ{what}แล้ว เก็บไว้กับรายงานนี้ (รวม {count} รายการ) ส่งเพิ่มได้ตลอด ระบบขอถามขั้นตอนปัจจุบันต่อ"
)
ATTACHMENT_TOO_LARGE = "ไฟล์นี้มีขนาดเกิน {limit} MB จึงรับไม่ได้ กรุณาส่งไฟล์ที่เล็กลง"
ATTACHMENT_TOO_MANY = "แนบได้ไม่เกิน {limit} รายการต่อรายงาน ไฟล์นี้จึงไม่ได้เก็บไว้"
ATTACHMENT_TOO_MANY_DONE = " กรุณากด “เสร็จสิ้น”"
ATTACHMENT_DOWNLOAD_FAILED = "รับไฟล์ไว้แล้ว แต่ยังดาวน์โหลดสำเนาไม่สำเร็จ ระบบจะเก็บอ้างอิงไฟล์จาก Telegram ไว้"
ATTACHMENT_WORDS: dict[AttachmentKind, str] = {
    AttachmentKind.PHOTO: "รูปภาพ",
    AttachmentKind.DOCUMENT: "เอกสาร",
    AttachmentKind.VOICE: "ข้อความเสียง",
    AttachmentKind.VIDEO: "วิดีโอ",
    AttachmentKind.AUDIO: "ไฟล์เสียง",
}
LOCATION_WORD = "พิกัด"
LOCATION_KEPT = "บันทึกพิกัดแล้ว"
LOCATION_SKIPPED = "ข้ามพิกัดแล้ว"
EXPIRED_REPLACED = "รายงานที่ท่านเริ่มกรอกไว้ก่อนหน้าไม่มีความเคลื่อนไหวเกินกำหนด จึงหมดอายุและไม่ถูกส่ง"
HELD_IN_NEW_REPORT = (
    "ระบบเริ่มรายงานเหตุใหม่ให้ และเก็บ{what}ที่ส่งมาไว้กับรายงานนี้แล้ว "
    "กรุณาตอบคำถามถัดไปเพื่อแจ้งเหตุให้ครบ\n"
    "หากต้องการส่ง{what}นี้เป็นความคืบหน้าของเหตุที่แจ้งไว้แล้ว "
    "พิมพ์ /cancel แล้วพิมพ์ /update และส่งอีกครั้ง"
)

INPUT_ERRORS: dict[InputProblem, str | Text] = {
    InputProblem.USE_BUTTONS: "กรุณาเลือกจากปุ่มด้านล่าง",
    InputProblem.STALE_CHOICE: "ตัวเลือกนี้ใช้ไม่ได้ กรุณาเลือกจากปุ่มของขั้นตอนปัจจุบัน",
    InputProblem.TOO_SHORT: "ข้อความสั้นเกินไป (ต้องมีอย่างน้อย {minimum} ตัวอักษร)",
    InputProblem.TOO_LONG: "ข้อความยาวเกินไป ({length} ตัวอักษร เกินกำหนด {maximum}) กรุณาสรุปให้สั้นลง",
    InputProblem.TIME_FORMAT: "อ่านเวลาไม่ได้ กรุณาพิมพ์ เช่น 14.30 หรือ {today} 14.30 หรือเลือกจากปุ่ม",
    InputProblem.TIME_INVALID: "วันที่หรือเวลาไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง เช่น {today} 14.30",
    InputProblem.TIME_FUTURE: "วันที่ที่ระบุยังมาไม่ถึง กรุณาตรวจสอบวันที่อีกครั้ง เช่น {yesterday} 23.50",
    InputProblem.TIME_TOO_OLD: "เวลาที่ระบุเก่าเกิน 90 วัน กรุณาตรวจสอบวันที่อีกครั้ง",
    InputProblem.IMPACT_FORMAT: Text(
        "อ่านตัวเลขไม่ได้ กรุณาพิมพ์ เช่น ", code("บาดเจ็บ 3 ครัวเรือน 20"), " หรือเลือกจากปุ่ม"
    ),
    InputProblem.IMPACT_REPEATED: "มีการระบุรายการเดียวกันซ้ำ กรุณาระบุแต่ละรายการครั้งเดียว",
    InputProblem.IMPACT_TOO_LARGE: "ตัวเลขสูงผิดปกติ กรุณาตรวจสอบอีกครั้ง",
    InputProblem.LOCATION_INVALID: "พิกัดไม่ถูกต้อง กรุณาส่งตำแหน่งใหม่",
    InputProblem.NOT_TEXT: "ขั้นตอนนี้ต้องการข้อความหรือการเลือกจากปุ่ม",
}


def date_examples(now: datetime, tz: tzinfo) -> dict[str, str]:
    """Today's and yesterday's dates as a reporter would type them, for the examples."""
    today = now.astimezone(tz).date()
    yesterday = today - timedelta(days=1)
    return {
        "today": f"{today.day}/{today.month}",
        "yesterday": f"{yesterday.day}/{yesterday.month}",
        "yesterday_be": f"{yesterday.day}/{yesterday.month}/{be_year(yesterday)}",
    }


def input_error(reason: InputProblem, now: datetime, tz: tzinfo, **details: object) -> Text:
    """The Thai message for an input refusal, its examples dated from `now`."""
    template = INPUT_ERRORS[reason]
    if isinstance(template, Text):
        return template
    return Text(template.format(**date_examples(now, tz), **details))


def _question(step: ReportStep, now: datetime, tz: tzinfo) -> Text:
    body = PROMPTS[step][1]
    return body if isinstance(body, Text) else Text(body.format(**date_examples(now, tz)))


def prompt(step: ReportStep, now: datetime, tz: tzinfo) -> Text:
    """The question of a step, its examples dated from `now`."""
    return Text(b(PROMPTS[step][0]), "\n", _question(step, now, tz))


def occurred_note(at: datetime, now: datetime, tz: tzinfo) -> str:
    """The time of the event as recorded, with its date, shown back to the reporter."""
    days = (now.astimezone(tz).date() - at.astimezone(tz).date()).days
    relative = {0: " (วันนี้)", 1: " (เมื่อวาน)"}.get(days, "")
    return f"บันทึกเวลาเกิดเหตุ: {format_datetime(at, tz)}{relative}"


def attachment_too_many(limit: int, at_attachments_step: bool) -> str:
    """Refusal of a file over MAX_ATTACHMENTS for a report."""
    done = ATTACHMENT_TOO_MANY_DONE if at_attachments_step else ""
    return ATTACHMENT_TOO_MANY.format(limit=limit) + done


def _impact_lines(view: ReportView) -> list[Text]:
    if not view.impact_answered:
        return []
    return [
        Text(
            f"เสียชีวิต {count_text(view.dead)} · บาดเจ็บ {count_text(view.injured)} · "
            f"สูญหาย {count_text(view.missing)}"
        ),
        Text(f"ครัวเรือนได้รับผลกระทบ: {count_text(view.households)}"),
    ]


def summary_lines(view: ReportView, tz: tzinfo) -> list[Text]:
    """The report's fields except the description, one per line."""
    lines: list[Text] = []
    if view.urgency:
        lines.append(Text(f"{URGENCY_ICONS[view.urgency]} ", b(URGENCY_LABELS[view.urgency])))
    if view.category:
        lines.append(Text(f"ประเภท: {CATEGORY_LABELS[view.category]}"))
    if view.ddpm_applies:
        level = DDPM_LABELS.get(view.ddpm_level or 0, UNKNOWN)
        lines.append(Text(f"ระดับสาธารณภัย: {level}"))
    if view.district_name:
        lines.append(Text(f"อำเภอ: {view.district_name}"))
    if view.place:
        lines.append(Text(f"สถานที่: {view.place}"))
    if view.latitude is not None and view.longitude is not None:
        lines.append(Text(f"พิกัด: {view.latitude:.5f}, {view.longitude:.5f}"))
    if view.occurred_at:
        lines.append(Text(f"เวลาเกิดเหตุ: {format_datetime(view.occurred_at, tz)}"))
    lines.extend(_impact_lines(view))
    if view.damage_note:
        lines.append(Text(f"ความเสียหาย: {view.damage_note}"))
    if view.attachment_count:
        lines.append(Text(f"ไฟล์แนบ: {view.attachment_count} รายการ"))
    return lines


def _with_description(head: Text, view: ReportView, tail: Text) -> Text:
    """head, the description (cut to fit one Telegram message), tail."""
    if not view.description:
        return head + tail
    return fit_text(
        Text(head, "\n\n", b("รายละเอียด"), "\n"),
        view.description,
        tail,
        TELEGRAM_TEXT_LIMIT,
        " (ข้อความเต็มบันทึกไว้แล้ว)",
    )


def review(view: ReportView, tz: tzinfo) -> Text:
    """The review before confirming."""
    head = Text(b("ตรวจสอบรายงานก่อนส่ง"), "\n\n", Text.join("\n", summary_lines(view, tz)))
    head = drill.marked(head, view.drill)
    tail = Text("\n\nหากถูกต้อง กด “ยืนยันส่งรายงาน” หรือกดแก้ไขรายการที่ต้องการ")
    return _with_description(head, view, tail)


NOTIFYING = "ระบบกำลังแจ้งผู้ว่าราชการจังหวัดและรองผู้ว่าราชการจังหวัด"


def filed(view: ReportView, tz: tzinfo) -> Text:
    """Told to the reporter once the report is filed."""
    head = Text(
        b(f"✅ ส่งรายงานแล้ว เลขที่ {view.reference or ''}"),
        f"\n{drill.NOTIFYING if view.drill else NOTIFYING}\n\n",
        Text.join("\n", summary_lines(view, tz)),
    )
    return _with_description(drill.marked(head, view.drill), view, Text())


def edit_prompt(step: ReportStep, now: datetime, tz: tzinfo) -> Text:
    """Prompt for changing one field from the review."""
    return Text(b(f"แก้ไข: {STEP_NAMES.get(step, '')}"), "\n", _question(step, now, tz))

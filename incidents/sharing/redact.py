"""Taking what identifies a person out of free text before it leaves the province's systems.

A reporter writes what they saw; that may name a victim, give a relative's phone number or an
ID card number. Numbers are found reliably: Thai phone numbers (landline and mobile, with or
without dashes, spaces or +66), the 13 digits of a Thai ID card, e-mail addresses. Names are
found where Thai writes a title before them (นาย, นาง, นางสาว, เด็กชาย, ด.ช., คุณ, นพ., a police
or military rank such as พ.ต.ท. or จ.ส.อ., …): the title is kept and the name after it is
masked, with its surname. Words that start like a title but are offices or common nouns
(นายอำเภอ, นายกเทศมนตรี, คุณภาพ…) are left alone. Thai digits count as digits. A name written
without a title cannot be told from other words; the admins' guidance (docs/operations.md)
says so.
"""

from __future__ import annotations

import re

MASK = "▒▒▒"

# Thai digits (๐–๙) are decimal digits to \d; a number's leading zero and +66 may be either.
_PHONE = re.compile(r"(?<![\d])(?:\+[6๖][6๖][\s-]?|[0๐])(?:\d[\s-]?){7,8}\d(?![\d])")
_ID_CARD = re.compile(r"(?<![\d])\d[\s-]?\d{4}[\s-]?\d{5}[\s-]?\d{2}[\s-]?\d(?![\d])")
# Tried only where a run of the address's letters starts: from every letter of a long run
# without an @ the search would read the run again to its end (quadratic in the text).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Police and military ranks, written before a name as titles are (พ.ต.ท.สมชาย, จ.ส.อ. มานะ).
_RANKS = (
    # Police: general to lance corporal.
    "พล.ต.อ.",
    "พล.ต.ท.",
    "พล.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ร.ต.อ.",
    "ร.ต.ท.",
    "ร.ต.ต.",
    "ด.ต.",
    "จ.ส.ต.",
    "ส.ต.อ.",
    "ส.ต.ท.",
    "ส.ต.ต.",
    # Army; the navy's and the air force's own letters.
    "พล.อ.",
    "พล.ท.",
    "พล.ต.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "จ.ส.อ.",
    "จ.ส.ท.",
    "ส.อ.",
    "ส.ท.",
    "ส.ต.",
    "พลทหาร",
    "พล.ร.อ.",
    "พล.ร.ท.",
    "พล.ร.ต.",
    "พล.อ.อ.",
    "พล.อ.ท.",
    "พล.อ.ต.",
    "น.อ.",
    "น.ท.",
    "น.ต.",
    "พ.จ.อ.",
    "พ.อ.อ.",
    "จ.อ.",
)
# Titles a Thai name follows. The pattern tries the longest first, so นางสาว is not read as
# นาง + สาว… and พ.ต.ท. not as พ.ต. + ท….
_TITLES = (
    "นางสาว",
    "เด็กชาย",
    "เด็กหญิง",
    "น.ส.",
    "ด.ช.",
    "ด.ญ.",
    "นาย",
    "นาง",
    "คุณ",
    "นพ.",
    "พญ.",
)
# What follows a title in words that are not a name (offices and common nouns), by title.
_OFFICES = (
    "อำเภอ",
    # นายก… as an office, never a name starting with ก (นายกิตติ is a name).
    "กเทศมนตรี",
    "กองค์การ",
    "กอบต",
    "กอบจ",
    "กรัฐมนตรี",
    "กสมาคม",
    "กสภา",
    "กเหล่า",
    "ทหาร",
    "ตำรวจ",
    "ช่าง",
    "จ้าง",
    "ทุน",
    "หน้า",
    "ประกัน",
    "สถานี",
    "ด่าน",
    "ท่า",
    "พยาบาล",
    "งาน",
    "ฟ้า",
    "แบบ",
)
_NOT_A_NAME = {
    "นาย": _OFFICES,
    "นาง": _OFFICES,
    # คุณภาพน้ำ, คุณค่า, คุณสมบัติ, คุณูปการ: the quality, the worth, the qualifications, the
    # contribution.
    "คุณ": ("ภาพ", "ค่า", "สมบัติ", "ธรรม", "ประโยชน์", "ลักษณะ", "วุฒิ", "งาม", "ูปการ"),
}
# Words that end in a title's letters without being one (ขอบคุณ is thanks, ทนาย a lawyer,
# รพ.ส.ต. a health-promoting hospital, not a corporal).
_NOT_A_TITLE = {
    "นาย": ("ท", "เจ้า"),
    "คุณ": ("ขอบ", "บุญ", "พระ", "ผู้มี"),
    "ส.ต.": ("รพ.", "ร.พ."),
}
# Kin and callings said between คุณ and a name (คุณยายสมศรี, คุณหมอวิชัย): kept, the name masked.
_KIN = ("ยาย", "ตา", "แม่", "พ่อ", "ลุง", "ป้า", "น้า", "หมอ", "ครู", "พี่", "น้อง")
_KIN_TITLES = tuple(f"คุณ{kin}" for kin in _KIN)
# Words that, after คุณแม่ and a space, say what the mother did rather than her name.
_KIN_SAID = (
    "อายุ",
    "บาดเจ็บ",
    "เสียชีวิต",
    "สูญหาย",
    "ได้รับ",
    "แจ้ง",
    "บอก",
    "ถูก",
    "เป็น",
    "ของ",
    "และ",
    "กับ",
    "ซึ่ง",
    "อยู่",
)
# Words that often follow a name but are not a surname: kept when they come second.
_NOT_A_SURNAME = (
    "อายุ",
    "บาดเจ็บ",
    "เสียชีวิต",
    "สูญหาย",
    "ได้",
    "ไป",
    "มา",
    "อยู่",
    "เป็น",
    "จาก",
    "ถูก",
    "ซึ่ง",
    "และ",
    "กับ",
    "ที่",
    "ผู้",
    "ตำแหน่ง",
    "บ้านเลขที่",
)
# A name is a run of Thai letters, at most 40 (no Thai given name or surname is longer): a
# long run of text without spaces is not searched again to its end after every title in it.
_THAI_WORD = r"[\u0e01-\u0e4e]{1,40}"


def _either(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A woman's rank says so after it (พ.ต.ท.หญิง): that is part of the title, not the name. The
# title is atomic: a rank with no name after it (ส.ต.ต. alone) is not read as ส.ต. + a name ต.
_NAMED = re.compile(
    rf"(?P<title>(?>(?:{_either(_RANKS)})(?:\s?หญิง)?|{_either(_TITLES + _KIN_TITLES)}))"
    r"(?P<gap>\s?)"
    rf"(?P<name>{_THAI_WORD})(?P<surname>[ \t]{_THAI_WORD})?"
)


def _is_a_name(found: re.Match[str]) -> bool:
    title, name = found.group("title"), found.group("name")
    text, start = found.string, found.start()
    base = "คุณ" if title.startswith("คุณ") else title
    if title != base and found.group("gap") and name.startswith(_KIN_SAID):
        return False  # คุณแม่ ได้รับแจ้ง: the mother, not a name after her
    # What comes before, read in place (a copy of the text up to each title would be quadratic).
    if text.endswith(_NOT_A_TITLE.get(base, ()), 0, start):
        # ขอบคุณแม่สมศรี thanks the mother, whose name follows; บุญคุณแม่ is a debt to her.
        return title != base and text.endswith("ขอบ", 0, start)
    return not name.startswith(_NOT_A_NAME.get(title, ()))


def _masked(found: re.Match[str]) -> str:
    title, surname = found.group("title"), found.group("surname") or ""
    if surname[1:].startswith(_NOT_A_SURNAME):
        return f"{title}{MASK}{surname}"
    return f"{title}{MASK}"


def _mask_names(text: str) -> str:
    # A scan rather than re.sub: when a match is not a name (ทนาย, คุณภาพ), the search goes on
    # right after its title, so a name that follows it (ทนาย นายสมชาย) is still found.
    parts: list[str] = []
    kept = pos = 0
    while found := _NAMED.search(text, pos):
        if _is_a_name(found):
            parts += [text[kept : found.start()], _masked(found)]
            kept = pos = found.end()
        else:
            pos = found.end("title")
    parts.append(text[kept:])
    return "".join(parts)


def redact(text: str) -> str:
    """`text` with phone numbers, ID card numbers, e-mail addresses and titled names masked."""
    text = _EMAIL.sub(MASK, text)
    text = _ID_CARD.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    return _mask_names(text)

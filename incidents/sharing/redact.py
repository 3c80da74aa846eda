"""Taking what identifies a person out of free text before it leaves the province's systems.

A reporter writes what they saw; that may name a victim, give a relative's phone number or an
ID card number. Numbers are found reliably: Thai phone numbers (landline and mobile, with or
without dashes, spaces or +66), the 13 digits of a Thai ID card, e-mail addresses. Names are
found where Thai writes a title before them (นาย, นาง, นางสาว, เด็กชาย, ด.ช., …): the title is
kept and the name after it is masked, with its surname. Words that start like a title but are
offices (นายอำเภอ, นายกเทศมนตรี, นายแพทย์'s office…) are left alone. A name written without a
title cannot be told from other words; the admins' guidance (docs/operations.md) says so.
"""

from __future__ import annotations

import re

MASK = "▒▒▒"

_PHONE = re.compile(r"(?<![\d])(?:\+66[\s-]?|0)(?:\d[\s-]?){7,8}\d(?![\d])")
_ID_CARD = re.compile(r"(?<![\d])\d[\s-]?\d{4}[\s-]?\d{5}[\s-]?\d{2}[\s-]?\d(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Titles a Thai name follows; the longest first, so นางสาว is not read as นาง + สาว….
_TITLES = (
    "นางสาว",
    "เด็กชาย",
    "เด็กหญิง",
    "น.ส.",
    "ด.ช.",
    "ด.ญ.",
    "นาย",
    "นาง",
)
# What follows นาย or นาง in words that are not a name (offices and common nouns).
_NOT_A_NAME = (
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
_THAI_WORD = r"[\u0e01-\u0e4e]+"
_NAMED = re.compile(
    "(?P<title>" + "|".join(re.escape(t) for t in _TITLES) + r")\s?"
    rf"(?P<name>{_THAI_WORD})(?P<surname>[ \t]{_THAI_WORD})?"
)


def _mask_name(found: re.Match[str]) -> str:
    title, name = found.group("title"), found.group("name")
    if title in ("นาย", "นาง") and name.startswith(_NOT_A_NAME):
        return found.group(0)
    surname = found.group("surname") or ""
    if surname[1:].startswith(_NOT_A_SURNAME):
        return f"{title}{MASK}{surname}"
    return f"{title}{MASK}"


def redact(text: str) -> str:
    """`text` with phone numbers, ID card numbers, e-mail addresses and titled names masked."""
    text = _EMAIL.sub(MASK, text)
    text = _ID_CARD.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    return _NAMED.sub(_mask_name, text)

"""What the feed masks in free text: numbers that identify a person, and names after a title,
while offices that start like a title and the rest of the text stay as written."""

from __future__ import annotations

import pytest

from incidents.sharing.redact import MASK, redact


@pytest.mark.parametrize(
    ("written", "shared"),
    [
        ("ติดต่อญาติ 081-234-5678", f"ติดต่อญาติ {MASK}"),
        ("โทร 0812345678 หรือ +66 81 234 5678", f"โทร {MASK} หรือ {MASK}"),
        ("สำนักงาน 056 612 345", f"สำนักงาน {MASK}"),
        ("บัตร 1-2345-67890-12-3 และ 1234567890123", f"บัตร {MASK} และ {MASK}"),
        ("แจ้ง somchai.j@example.go.th", f"แจ้ง {MASK}"),
        ("นายสมชาย ใจดี บาดเจ็บ", f"นาย{MASK} บาดเจ็บ"),
        ("นายกิตติ ใจดี บาดเจ็บ", f"นาย{MASK} บาดเจ็บ"),
        ("นางกาญจนา สุขใจ เสียชีวิต", f"นาง{MASK} เสียชีวิต"),
        ("นางสาว มาลี ศรีสุข สูญหาย", f"นางสาว{MASK} สูญหาย"),
        ("ด.ญ.ฟ้าใส อายุ 7 ปี", f"ด.ญ.{MASK} อายุ 7 ปี"),
        ("ผู้บาดเจ็บคือนายสมชาย ใจดี", f"ผู้บาดเจ็บคือนาย{MASK}"),
        ("คุณสมศรี มีสุข ผู้ใหญ่บ้าน", f"คุณ{MASK} ผู้ใหญ่บ้าน"),
        ("นพ.วิชัย", f"นพ.{MASK}"),
        ("พ.ต.ท.สมชาย ใจดี อายุ 45", f"พ.ต.ท.{MASK} อายุ 45"),
        ("จ.ส.อ. มานะ รักชาติ บาดเจ็บ", f"จ.ส.อ.{MASK} บาดเจ็บ"),
        ("ส.ต.ต.หญิง มาลี ศรีสุข", f"ส.ต.ต.หญิง{MASK}"),
        ("พลทหารสมปอง", f"พลทหาร{MASK}"),
        ("โทร ๐๘๑-๒๓๔-๕๖๗๘ หรือ +๖๖ ๘๑ ๒๓๔ ๕๖๗๘", f"โทร {MASK} หรือ {MASK}"),
        ("บัตร ๑๒๓๔๕๖๗๘๙๐๑๒๓", f"บัตร {MASK}"),
        # A word that only looks like a title does not hide the name after it.
        ("ขอบคุณคุณสมศรี ใจดี", f"ขอบคุณคุณ{MASK}"),
        ("ทนาย นายสมชาย ใจดี", f"ทนาย นาย{MASK}"),
        ("ตรวจคุณภาพน้ำ คุณสมชาย ใจดี", f"ตรวจคุณภาพน้ำ คุณ{MASK}"),
        ("นายอำเภอสั่งนายสมชาย ใจดี", f"นายอำเภอสั่งนาย{MASK}"),
        # Kin and callings between คุณ and the name are kept.
        ("คุณยายสมศรี มีสุข อายุ 80", f"คุณยาย{MASK} อายุ 80"),
        ("คุณหมอวิชัย", f"คุณหมอ{MASK}"),
        ("คุณแม่ สมศรี มีสุข", f"คุณแม่{MASK}"),
        ("คุณแม่ ได้รับแจ้ง", "คุณแม่ ได้รับแจ้ง"),
        ("คุณยาย มาลี ใจดี", f"คุณยาย{MASK}"),
        ("ขอบคุณแม่สมศรี", f"ขอบคุณแม่{MASK}"),
        # A title straight after a dot (the time's น., an office's letters) is still a title.
        ("เวลา 10.30 น.น.ส.สมศรี ใจดี", f"เวลา 10.30 น.น.ส.{MASK}"),
        ("รอง ผกก.ป.พ.ต.ท.สมชาย ใจดี", f"รอง ผกก.ป.พ.ต.ท.{MASK}"),
    ],
)
def test_what_identifies_a_person_is_masked(written: str, shared: str):
    assert redact(written) == shared


@pytest.mark.parametrize(
    "written",
    [
        "นายอำเภอตะพานหินสั่งการแล้ว",
        "นายกเทศมนตรีลงพื้นที่",
        "นายกองค์การบริหารส่วนตำบลวังหลุมประสานแล้ว",
        "นายช่างตรวจสะพาน",
        "น้ำสูง 80 ซม. ประชาชน 120 ครัวเรือน ถนนสาย 1068 กม. 12",
        "เมื่อ 28 พ.ย. 2569 เวลา 14.05 น.",
        "ขอบคุณเจ้าหน้าที่ทุกท่าน",
        "ตรวจคุณภาพน้ำประปาแล้ว",
        "ทนายความของผู้เสียหายเข้าแจ้งความ",
        "ส่งต่อ ร.พ.พิจิตร และ ร.ร.บ้านดงป่าคำ ต.วังหลุม อ.เมือง จ.พิจิตร",
        "น้ำสูง ๘๐ ซม. ถนนสาย ๑๐๖๘",
        "ส่งต่อ รพ.ส.ต.บ้านใหม่ และ รพ.สต.วังหลุม",
        # A rank with no name after it is kept whole, not read as a shorter rank and a name.
        "ผู้แจ้ง ส.ต.ต. (ไม่ทราบชื่อ)",
        "ยศ พ.ต.ท.",
        "บุญคุณแม่",
    ],
)
def test_offices_figures_and_dates_stay_as_written(written: str):
    assert redact(written) == written

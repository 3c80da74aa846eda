"""Thai texts of the live situation page (สถานการณ์ปัจจุบัน) and the province's tile map."""

from __future__ import annotations

from incidents.text.web import FIELD_LABELS

# The live situation page (สถานการณ์ปัจจุบัน).
SITUATION_TITLE = "สถานการณ์ปัจจุบัน"
# The catalogue's own words for the fields, as the incident page and the exports name them.
SITUATION_FIGURES = {
    key: FIELD_LABELS[key] for key in ("dead", "injured", "missing", "affected_households")
}
SITUATION_OPEN = "เหตุการณ์ที่ยังเปิดอยู่"
SITUATION_TODAY = "แจ้งวันนี้"
SITUATION_WAITING = "ยังไม่มีผู้บริหารรับทราบ"
SITUATION_NONE_OPEN = "ไม่มีเหตุการณ์ที่ยังเปิดอยู่"
# The incident list's column of casualties.
CASUALTIES = "ผู้ประสบภัย"
SITUATION_BY_DISTRICT = "เหตุการณ์ที่ยังเปิดอยู่รายอำเภอ"
SITUATION_MORE = "แสดง {shown} จาก {total} เหตุการณ์ · ดูทั้งหมดในรายการเหตุการณ์"
SITUATION_AS_OF = "ข้อมูล ณ {time} · ปรับปรุงเองทุก 20 วินาที"
SITUATION_STALE = "ปรับปรุงข้อมูลไม่ได้ กรุณาโหลดหน้านี้ใหม่"
SITUATION_TV = "โหมดจอใหญ่"
SITUATION_NORMAL = "โหมดปกติ"


def unknown_count(incidents: int) -> str:
    """Beside a total: how many incidents gave no figure (unknown is not zero)."""
    return f"ไม่ทราบ {incidents:,} เหตุ" if incidents else ""


# The province's tile map.
MAP_TITLE = "แผนที่อำเภอ: เหตุการณ์ที่ยังเปิดอยู่"
MAP_LEGEND = (
    "สีเข้มขึ้นตามจำนวนเหตุการณ์ที่ยังเปิดอยู่ · จุดแดงที่มุม: มีเหตุที่ยังไม่มีผู้บริหารรับทราบ · "
    "จุดกลม: ตำแหน่งที่ผู้รายงานส่งมา · แตะอำเภอเพื่อดูรายการเหตุการณ์ของอำเภอนั้น"
)


STATISTICS_MAP_TITLE = "แผนที่อำเภอ: จำนวนเหตุการณ์ตามตัวกรอง"
STATISTICS_MAP_LEGEND = (
    "สีเข้มขึ้นตามจำนวนเหตุการณ์เทียบกับอำเภอที่มีมากที่สุด · แตะอำเภอเพื่อดูรายการเหตุการณ์ของอำเภอนั้น"
)


def map_tile_title(count: int, waiting: int, *, open_only: bool = True) -> str:
    """What a district's tile says when pointed at or read aloud."""
    said = f"เหตุการณ์{'ที่ยังเปิดอยู่' if open_only else ''} {count:,} เหตุ"
    return f"{said} ยังไม่มีผู้บริหารรับทราบ {waiting:,} เหตุ" if waiting else said


# The statistics page's additions: open and closed, casualties, acknowledgement per urgency.
STATS_OPEN = "ยังเปิดอยู่"
STATS_CLOSED = "ปิดแล้ว"
STATS_CASUALTIES = "ผู้ประสบภัยและความเสียหาย (รวมทุกเหตุการณ์ตามตัวกรอง)"
STATS_BY_URGENCY = "การรับทราบตามความเร่งด่วน เทียบกับเวลาที่กำหนด"
STATS_URGENCY_HEAD = ("ความเร่งด่วน", "เหตุการณ์", "รับทราบแล้ว", "รับทราบภายในกำหนด", "มัธยฐาน")


def within_deadline(count: int, acknowledged: int, minutes: float | None) -> str:
    """How many were acknowledged within the deadline, and the deadline itself."""
    if minutes is None:
        return "-"
    share = f" ({round(100 * count / acknowledged)}%)" if acknowledged else ""
    return f"{count:,}{share} · กำหนด {minutes:g} นาที"

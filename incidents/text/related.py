"""Thai texts of related incidents: the hint in an alert, the link button, what linking said,
and the web page's section (one word throughout: เชื่อมโยง)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from incidents.policy import Refusal
from incidents.related.hints import RelatedHint
from incidents.related.linking import LinkOutcome, LinkResult
from incidents.text.thread import REFUSALS
from incidents.thaidate import format_datetime

BUTTON_LINK = "🔗 เชื่อมโยงกับ {reference}"
HEADING = "เหตุที่เกี่ยวข้อง"
SUGGESTED = "อาจเป็นเหตุเดียวกัน"
LINKED = "เชื่อมโยงแล้ว"
NOT_VISIBLE = "เหตุที่เกี่ยวข้อง (ท่านไม่มีสิทธิ์ดูรายละเอียด)"
WEB_LINK = "เชื่อมโยง"
WEB_UNLINK = "ยกเลิกการเชื่อมโยง"
WEB_LINK_BY_REFERENCE = "เชื่อมโยงกับเหตุเลขที่"
WEB_EXPLAIN = (
    "เหตุที่เชื่อมโยงกันยังแยกเป็นคนละเหตุ ผู้รายงานแต่ละรายยังรายงานในเหตุของตนได้ตามเดิม ในสถิติเลือกนับเป็นเหตุเดียวได้"
)

# What the incident page says after its link form, by what happened (incidents/records/related).
LINK_NOTES: dict[str, str] = {
    LinkOutcome.LINKED.value: "เชื่อมโยงเหตุแล้ว ทั้งสองเหตุยังแยกกันตามเดิม",
    LinkOutcome.ALREADY_LINKED.value: "เหตุทั้งสองเชื่อมโยงกันไว้แล้ว",
    LinkOutcome.UNLINKED.value: "ยกเลิกการเชื่อมโยงแล้ว",
    LinkOutcome.NOT_LINKED.value: "เหตุทั้งสองไม่ได้เชื่อมโยงกันอยู่",
    Refusal.NOT_FOUND.value: "ไม่พบเหตุเลขที่ระบุ หรือท่านไม่มีสิทธิ์เข้าถึง",
    Refusal.NOT_ALLOWED.value: "ขออภัย การเชื่อมโยงเหตุทำได้เฉพาะผู้บริหารและผู้ดูแลระบบ",
    Refusal.NOT_LINKABLE.value: REFUSALS[Refusal.NOT_LINKABLE],
}


def hint_line(hints: Sequence[RelatedHint]) -> str:
    """The alert's line naming the incidents it may be a second report of, or empty."""
    linked = [h.reference for h in hints if h.linked]
    maybe = [h.reference for h in hints if not h.linked]
    parts = []
    if maybe:
        parts.append(f"อาจเป็นเหตุเดียวกับ {', '.join(maybe)}")
    if linked:
        parts.append(f"เชื่อมโยงกับ {', '.join(linked)} แล้ว")
    return f"🔗 {' · '.join(parts)}" if parts else ""


def link_button(reference: str) -> str:
    """The label of the button that links the alert's incident with `reference`."""
    return BUTTON_LINK.format(reference=reference)


def outcome(result: LinkResult, tz: tzinfo) -> str:
    """What linking (or undoing it) did, told to the person who pressed."""
    pair = f"{result.reference} กับ {result.other_reference}"
    match result.outcome:
        case LinkOutcome.LINKED:
            return f"เชื่อมโยง {pair} แล้ว ทั้งสองเหตุยังแยกกันตามเดิม ผู้รายงานแต่ละรายยังรายงานในเหตุของตนได้"
        case LinkOutcome.ALREADY_LINKED:
            return f"{pair} เชื่อมโยงไว้แล้ว{_by(result.by_name, result.at, tz)}"
        case LinkOutcome.UNLINKED:
            return f"ยกเลิกการเชื่อมโยง {pair} แล้ว"
        case LinkOutcome.NOT_LINKED:
            return f"{pair} ไม่ได้เชื่อมโยงกันอยู่"


def _by(name: str | None, at: datetime | None, tz: tzinfo) -> str:
    who = f" โดย {name}" if name else ""
    when = f" เมื่อ {format_datetime(at, tz)}" if at else ""
    return who + when

"""Thai texts of what the province shares with other systems: the CAP feed's title, author and
entry titles, and the answers of the feed's address."""

from __future__ import annotations

from incidents.text.labels import STATUS_LABELS
from incidents.text.rich import Text, b
from storage.models import IncidentStatus

FEED_SUBTITLE = "ข่าวสารเหตุการณ์สำคัญหรือเหตุด่วน (CAP 1.2) สำหรับหน่วยงานที่จังหวัดอนุญาตให้รับข้อมูล"
FEED_REFUSED = "รหัสรับข้อมูลไม่ถูกต้องหรือถูกยกเลิกแล้ว กรุณาติดต่อผู้ดูแลระบบของจังหวัด"
FEED_BAD_PAGE = "หมายเลขหน้าไม่ถูกต้อง"

# msgType → how an entry's title says which message it is.
_KINDS = {"Alert": "แจ้งเหตุ", "Update": "ปรับปรุง", "Cancel": "ปิดเหตุการณ์"}


def feed_title(province: str) -> str:
    """The feed's title."""
    return f"เหตุการณ์สำคัญหรือเหตุด่วน จังหวัด{province}"


def feed_author(province: str) -> str:
    """Who publishes the feed."""
    return f"ศูนย์รับแจ้งเหตุ จังหวัด{province}"


def entry_title(msg_type: str, status: IncidentStatus | None, headline: str) -> str:
    """An entry's title: which message, the status it brings, and the headline."""
    kind = _KINDS.get(msg_type, msg_type)
    if msg_type == "Update" and status is not None:
        kind = f"{kind}: {STATUS_LABELS[status]}"
    return f"[{kind}] {headline}"


def receiver_gave_up(name: str, subscriber_id: int, days: int, error: str) -> Text:
    """Told to admins when a webhook receiver failed an event for days and it was dropped."""
    return Text(
        "⚠️ ส่งข้อมูลเหตุการณ์ให้ ",
        b(receiver(name)),
        f" ไม่สำเร็จติดต่อกันเกิน {days} วัน ({error}) จึงหยุดส่งข้อมูลที่ค้างนานเกินกำหนดแล้ว "
        "ข้อมูลเหตุการณ์ใหม่จะยังส่งต่อไป กรุณาติดต่อหน่วยงานเจ้าของระบบนั้น "
        f"หากไม่ใช้งานแล้ว กรุณายกเลิก (incident-bot subscribers revoke {subscriber_id})",
    )


def receiver(name: str) -> str:
    """A webhook subscriber, as a notice to the admins names it."""
    return f"ระบบรับข้อมูลของ {name}"

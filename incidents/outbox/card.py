"""The alert as a card: what a channel that draws structured messages (LINE's Flex) shows.

The same facts as the Telegram alert text (incidents/outbox/render.py, incidents/text/alert.py),
with the same labels, each ready to show but kept apart, so a channel lays them out itself:
urgency and its colour, the place and times, the reporter, the figures (a figure not known is
not zero), the description, attachments, the drill mark, the web link and the buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from incidents.actions import AlertAction, AlertVerb, Button
from incidents.text import alert as t
from incidents.text import card as c
from incidents.text import drill as drill_text
from incidents.text import report as r
from incidents.text.labels import count_text
from incidents.thaidate import format_datetime, format_time
from storage.models import AttachmentKind, Incident, Urgency

# Colour names of the urgency scale (each channel picks its shade).
URGENCY_COLOURS: dict[Urgency, str] = {
    Urgency.MOST_URGENT: "red",
    Urgency.VERY_URGENT: "orange",
    Urgency.URGENT: "yellow",
}


@dataclass(frozen=True, slots=True)
class Figure:
    """A casualty or household figure; `value` None is not known (never shown as zero)."""

    label: str
    value: int | None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        return count_text(self.value)


@dataclass(frozen=True, slots=True)
class AlertCard:
    """One incident's alert as it stands, in the catalogue's Thai."""

    incident_id: int
    reference: str
    urgency: Urgency
    urgency_label: str  # icon and words, e.g. "🔴 ด่วนที่สุด"
    colour: str
    category: str  # with the DDPM level when there is one
    district: str  # "อ.<name>"
    place: str
    occurred: str  # Buddhist-era date and time
    received: str
    reporter: str  # name, position and agency
    phone: str
    figures: tuple[Figure, ...]
    damage: str
    description: str
    photos: int
    photo_urls: tuple[str, ...]  # signed addresses of the photos the card shows
    files: int
    location: bool
    drill: str  # the drill mark, empty for a real incident
    status: str
    acknowledged: bool
    web_url: str
    buttons: tuple[Button, ...]
    related: str = ""  # the incidents it may be a second report of, or is linked with

    @property
    def lead(self) -> str:
        """What a lock screen shows first: urgency, category, district and place."""
        return f"{self.urgency_label} · {self.category} · {self.district} — {self.place}"

    @property
    def attachments(self) -> str:
        """Photos and files (on the web page) and a location pin sent after the card, or
        empty."""
        parts = []
        if self.photos:
            parts.append(c.PHOTOS.format(count=self.photos))
        if self.files:
            parts.append(c.FILES.format(count=self.files))
        if parts:
            parts[-1] = f"{parts[-1]} ({c.ON_WEB})"
        if self.location:
            parts.append(c.LOCATION)
        return " · ".join(parts)


def alert_card(
    incident: Incident,
    tz: tzinfo,
    public_base_url: str = "",
    photo_urls: tuple[str, ...] = (),
    *,
    related: str = "",
    links: tuple[Button, ...] = (),
) -> AlertCard:
    """The card of an incident (its district, attachments and acknowledger loaded), showing
    the photos at `photo_urls`, the `related` line and its `links` buttons."""
    acknowledged = incident.acknowledged_at is not None and incident.acknowledged_by is not None
    if acknowledged:
        assert incident.acknowledged_at is not None and incident.acknowledged_by is not None
        status = t.acknowledged_line(
            incident.acknowledged_by.name,
            incident.acknowledged_by.position,
            incident.acknowledged_at,
            tz,
        ).plain()
    else:
        status = t.WAITING.plain()
    category = r.CATEGORY_LABELS[incident.category]
    if incident.ddpm_level:
        category = f"{category} · {r.DDPM_LABELS[incident.ddpm_level]}"
    photos = sum(1 for a in incident.attachments if a.kind is AttachmentKind.PHOTO)
    buttons: list[Button] = []
    if not acknowledged:
        buttons.append(_button(t.BUTTON_ACK, incident.id, AlertVerb.ACKNOWLEDGE))
    buttons.append(_button(t.BUTTON_INSTRUCT, incident.id, AlertVerb.INSTRUCT))
    buttons.append(_button(t.BUTTON_REQUEST_INFO, incident.id, AlertVerb.REQUEST_INFO))
    buttons.extend(links)
    base = public_base_url.rstrip("/")
    web_url = f"{base}/incidents/{incident.reference}" if base else ""
    if web_url:
        buttons.append(Button(label=t.BUTTON_OPEN_WEB, url=web_url))
    return AlertCard(
        incident_id=incident.id,
        reference=incident.reference,
        urgency=incident.urgency,
        urgency_label=f"{r.URGENCY_ICONS[incident.urgency]} {r.URGENCY_LABELS[incident.urgency]}",
        colour=URGENCY_COLOURS[incident.urgency],
        category=category,
        district=f"อ.{incident.district.name_th}",
        place=incident.place,
        occurred=format_datetime(incident.occurred_at, tz),
        received=format_time(incident.created_at, tz),
        reporter=(
            f"{incident.reporter_name} {incident.reporter_position} · {incident.agency_name}"
        ),
        phone=incident.reporter_phone or c.NO_PHONE,
        figures=(
            Figure(c.ROW_DEAD, incident.dead),
            Figure(c.ROW_INJURED, incident.injured),
            Figure(c.ROW_MISSING, incident.missing),
            Figure(c.ROW_HOUSEHOLDS, incident.affected_households),
        ),
        damage=incident.damage_note or "",
        description=incident.description,
        photos=photos,
        photo_urls=photo_urls,
        files=len(incident.attachments) - photos,
        location=incident.latitude is not None,
        drill=drill_text.MARK if incident.drill_id is not None else "",
        status=status,
        acknowledged=acknowledged,
        web_url=web_url,
        buttons=tuple(buttons),
        related=related,
    )


def _button(label: str, incident_id: int, verb: AlertVerb) -> Button:
    return Button(label=label, action=AlertAction(incident_id=incident_id, verb=verb))

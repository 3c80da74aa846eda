"""One incident as an OASIS Common Alerting Protocol 1.2 message.

How our vocabulary maps onto CAP's (CAP 1.2 §3.2.2):

- category: flood, storm, drought, cold → Met; fire → Fire; wildfire/haze → Fire and Env;
  hazardous materials → CBRNE; major accident → Safety and Transport; human and animal
  epidemics → Health; plant epidemics → Env; unrest, serious crime → Security; utilities →
  Infra; news/social media and other → Other.
- urgency (when to act): ด่วนที่สุด → Immediate, ด่วนมาก → Expected, ด่วน → Future; an incident
  that is resolved or closed → Past.
- severity: the DDPM level when known (1 Minor, 2 Moderate, 3 Severe, 4 Extreme), otherwise
  from the urgency (Severe, Moderate, Minor); a death reported makes it at least Severe.
- certainty: Observed: an official reports what has happened.
- scope: Restricted (the web log is for the province's officials), status Actual,
  msgType Alert; the identifier is the incident's reference.

The feed (incidents.sharing.feed) sends each incident as a chain of messages: the Alert when it
is filed, an Update for each change of status, a Cancel when it is closed; each later message
names every earlier one in `references`. What leaves for other systems carries no contact
details, and its free text has what identifies people masked (incidents.sharing.redact).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

from incidents.sharing.redact import redact
from incidents.text import drill as drill_text
from incidents.text.fitting import Units, shorten
from incidents.text.report import CATEGORY_LABELS
from storage.models import Category, Incident, IncidentStatus, Urgency

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
RESTRICTION = "สำหรับเจ้าหน้าที่ของจังหวัดเท่านั้น"
SHARED_RESTRICTION = "สำหรับหน่วยงานที่จังหวัดอนุญาตให้รับข้อมูลเท่านั้น"
CLOSED_NOTE = "ปิดเหตุการณ์แล้ว"

CAP_CATEGORIES: dict[Category, tuple[str, ...]] = {
    Category.FLOOD: ("Met",),
    Category.STORM: ("Met",),
    Category.FIRE: ("Fire",),
    Category.DROUGHT: ("Met",),
    Category.COLD: ("Met",),
    Category.WILDFIRE_HAZE: ("Fire", "Env"),
    Category.HAZMAT: ("CBRNE",),
    Category.MAJOR_ACCIDENT: ("Safety", "Transport"),
    Category.EPIDEMIC_HUMAN: ("Health",),
    Category.EPIDEMIC_ANIMAL: ("Health",),
    Category.EPIDEMIC_PLANT: ("Env",),
    Category.UNREST: ("Security",),
    Category.SERIOUS_CRIME: ("Security",),
    Category.UTILITIES: ("Infra",),
    Category.MEDIA: ("Other",),
    Category.OTHER: ("Other",),
}
CAP_URGENCY = {
    Urgency.MOST_URGENT: "Immediate",
    Urgency.VERY_URGENT: "Expected",
    Urgency.URGENT: "Future",
}
_SEVERITY_BY_URGENCY = {
    Urgency.MOST_URGENT: "Severe",
    Urgency.VERY_URGENT: "Moderate",
    Urgency.URGENT: "Minor",
}
_SEVERITY_BY_DDPM = {1: "Minor", 2: "Moderate", 3: "Severe", 4: "Extreme"}
_SEVERITY_ORDER = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")
_PAST = frozenset({IncidentStatus.RESOLVED, IncidentStatus.CLOSED})


def cap_time(value: datetime, tz: tzinfo) -> str:
    """CAP's dateTime: local time with its offset, whole seconds, never "Z"."""
    return value.astimezone(tz).replace(microsecond=0).isoformat()


def severity(incident: Incident) -> str:
    """CAP severity from the DDPM level, else the urgency; at least Severe with deaths."""
    level = incident.ddpm_level
    found = _SEVERITY_BY_DDPM.get(level) if level else _SEVERITY_BY_URGENCY[incident.urgency]
    found = found or "Unknown"
    if incident.dead and _SEVERITY_ORDER.index(found) < _SEVERITY_ORDER.index("Severe"):
        found = "Severe"
    return found


def sender_of(public_base_url: str, province_key: str) -> str:
    """CAP's sender: the web log's host name, or a stable name for the province."""
    host = urlsplit(public_base_url).hostname if public_base_url else None
    return host or f"incident-bot.{province_key}"


# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class CapVersion:
    """Which message of an incident's chain this is: its identifier, when it was sent, its
    msgType, the status the incident had then, and the earlier messages it refers to (each
    "sender,identifier,sent")."""

    identifier: str
    sent: datetime
    msg_type: str = "Alert"
    status: IncidentStatus | None = None
    references: tuple[str, ...] = field(default=())


def _add(parent: ET.Element, name: str, text: str | None) -> None:
    if text is not None and text != "":
        ET.SubElement(parent, f"{{{CAP_NS}}}{name}").text = _NOT_XML.sub("", text)


def _pair(parent: ET.Element, name: str, value_name: str, value: str) -> None:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{name}")
    _add(element, "valueName", value_name)
    _add(element, "value", value)


def as_bytes(alert: ET.Element) -> bytes:
    """A CAP `alert` element as the file sent (UTF-8 XML with its declaration)."""
    body: bytes = ET.tostring(alert, encoding="utf-8", xml_declaration=True)
    return body


def to_cap_element(
    incident: Incident,
    *,
    district_code: str,
    district_name: str,
    province_name: str,
    province_key: str,
    tz: tzinfo,
    public_base_url: str = "",
    version: CapVersion | None = None,
    shared: bool = False,
) -> ET.Element:
    """The incident as a CAP 1.2 `alert` element: the whole incident for the province's
    officials, or (`shared`) without contact details and with free text masked for others."""
    ET.register_namespace("", CAP_NS)
    version = version or CapVersion(incident.reference, incident.created_at)
    status = version.status or incident.status
    alert = ET.Element(f"{{{CAP_NS}}}alert")
    _add(alert, "identifier", version.identifier)
    _add(alert, "sender", sender_of(public_base_url, province_key))
    _add(alert, "sent", cap_time(version.sent, tz))
    drill = incident.drill_id is not None
    _add(alert, "status", "Exercise" if drill else "Actual")
    _add(alert, "msgType", version.msg_type)
    _add(alert, "scope", "Restricted")
    _add(alert, "restriction", SHARED_RESTRICTION if shared else RESTRICTION)
    notes = [drill_text.MARK] if drill else []
    if version.msg_type == "Cancel":
        notes.append(CLOSED_NOTE)
    _add(alert, "note", " ".join(notes))
    _add(alert, "references", " ".join(version.references))
    _add(alert, "incidents", incident.reference)

    info = ET.SubElement(alert, f"{{{CAP_NS}}}info")
    _add(info, "language", "th-TH")
    for category in CAP_CATEGORIES[incident.category]:
        _add(info, "category", category)
    _add(info, "event", CATEGORY_LABELS[incident.category])
    urgency = "Past" if status in _PAST else CAP_URGENCY[incident.urgency]
    _add(info, "urgency", urgency)
    _add(info, "severity", severity(incident))
    _add(info, "certainty", "Observed")
    _add(info, "onset", cap_time(incident.occurred_at, tz))
    _add(info, "senderName", f"{incident.agency_name} จังหวัด{province_name}")
    headline = f"{CATEGORY_LABELS[incident.category]} อ.{district_name} {incident.place}"
    if drill:
        headline = f"{drill_text.MARK} {headline}"
    clean = redact if shared else str
    _add(info, "headline", shorten(clean(headline), 160, units=Units.CHARACTERS))
    _add(info, "description", clean(incident.description))
    if public_base_url and not shared:
        _add(info, "web", f"{public_base_url}/incidents/{incident.reference}")
    if not shared:
        contact = (
            f"{incident.reporter_name} {incident.reporter_position} โทร {incident.reporter_phone}"
        )
        _add(info, "contact", contact.strip())
    for name, number in (
        ("dead", incident.dead),
        ("injured", incident.injured),
        ("missing", incident.missing),
        ("affected_households", incident.affected_households),
    ):
        if number is not None:
            _pair(info, "parameter", name, str(number))
    if incident.ddpm_level:
        _pair(info, "parameter", "ddpm_level", str(incident.ddpm_level))

    area = ET.SubElement(info, f"{{{CAP_NS}}}area")
    _add(area, "areaDesc", clean(f"{incident.place} อ.{district_name} จ.{province_name}"))
    if incident.latitude is not None and incident.longitude is not None:
        # A point: a circle of radius 0 km ("lat,lon radius", WGS 84).
        _add(area, "circle", f"{incident.latitude:.6f},{incident.longitude:.6f} 0")
    _pair(area, "geocode", "DOPA", district_code)
    return alert

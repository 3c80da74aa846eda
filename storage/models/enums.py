"""Closed vocabularies of an incident, stored by their English values."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from sqlalchemy import Enum


class Category(StrEnum):
    """Kinds of incident: DDPM's hazards, then section 3's wider kinds (DESIGN §3)."""

    FLOOD = "flood"
    STORM = "storm"
    FIRE = "fire"
    DROUGHT = "drought"
    COLD = "cold"
    WILDFIRE_HAZE = "wildfire_haze"
    HAZMAT = "hazmat"
    MAJOR_ACCIDENT = "major_accident"
    EPIDEMIC_HUMAN = "epidemic_human"
    EPIDEMIC_ANIMAL = "epidemic_animal"
    EPIDEMIC_PLANT = "epidemic_plant"
    UNREST = "unrest"
    SERIOUS_CRIME = "serious_crime"
    UTILITIES = "utilities"
    MEDIA = "media"
    OTHER = "other"

    @property
    def is_disaster(self) -> bool:
        """Whether the Disaster Prevention and Mitigation Act's 1-4 levels apply."""
        return self in DISASTERS


DISASTERS = frozenset(
    {
        Category.FLOOD,
        Category.STORM,
        Category.FIRE,
        Category.DROUGHT,
        Category.COLD,
        Category.WILDFIRE_HAZE,
        Category.HAZMAT,
        Category.MAJOR_ACCIDENT,
        Category.EPIDEMIC_HUMAN,
        Category.EPIDEMIC_ANIMAL,
        Category.EPIDEMIC_PLANT,
    }
)


class Urgency(StrEnum):
    """The Thai official urgency scale, most urgent first."""

    MOST_URGENT = "most_urgent"  # ด่วนที่สุด
    VERY_URGENT = "very_urgent"  # ด่วนมาก
    URGENT = "urgent"  # ด่วน


class DdpmLevel(IntEnum):
    """DDPM disaster size levels 1-4."""

    SMALL = 1
    MEDIUM = 2
    LARGE = 3
    SEVERE = 4


class IncidentStatus(StrEnum):
    """Where an incident is in its life (DESIGN §5)."""

    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    UNDER_CONTROL = "under_control"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Every status but closed, named (an IN list the status index serves, where "!= closed" scans).
OPEN_STATUSES = tuple(status for status in IncidentStatus if status is not IncidentStatus.CLOSED)


class AttachmentKind(StrEnum):
    """What a reporter sent along."""

    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    VIDEO = "video"
    AUDIO = "audio"


def string_enum(kind: type[StrEnum], length: int = 32) -> Enum:
    """A column type storing a StrEnum's values as plain strings (no native enum to migrate)."""
    return Enum(
        kind,
        name=kind.__name__.lower(),
        native_enum=False,
        length=length,
        values_callable=lambda kinds: [k.value for k in kinds],
        validate_strings=True,
    )


class ReportStep(StrEnum):
    """The step a report draft is waiting at."""

    DRILL = "drill"  # only during a drill the reporter takes part in: drill or real?
    CATEGORY = "category"
    URGENCY = "urgency"
    DDPM_LEVEL = "ddpm_level"
    DISTRICT = "district"
    PLACE = "place"
    LOCATION = "location"
    LOCATION_CONFIRM = "location_confirm"
    OCCURRED_AT = "occurred_at"
    DESCRIPTION = "description"
    IMPACT = "impact"
    DAMAGE = "damage"
    ATTACHMENTS = "attachments"
    REVIEW = "review"


class DraftStatus(StrEnum):
    """A draft is open until filed, cancelled or expired."""

    OPEN = "open"
    FILED = "filed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class EventKind(StrEnum):
    """Entries on an incident's timeline; each is also a domain event others may act on."""

    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"
    REMINDED = "reminded"
    ESCALATED = "escalated"
    UPDATE = "update"  # the reporter's news: text, photo, location
    STATUS_CHANGED = "status_changed"
    INSTRUCTION = "instruction"  # ข้อสั่งการ from an executive
    INSTRUCTION_ACKNOWLEDGED = "instruction_acknowledged"
    INSTRUCTION_REMINDED = "instruction_reminded"
    INFO_REQUESTED = "info_requested"
    INFO_PROVIDED = "info_provided"
    CLOSED = "closed"
    REOPENED = "reopened"
    LINKED = "linked"  # an executive linked it with a related incident (both get one)
    UNLINKED = "unlinked"


class Channel(StrEnum):
    """A chat platform the province talks on."""

    TELEGRAM = "telegram"
    LINE = "line"
    # Not a chat: another system's address, POSTed each event it subscribed to (its
    # `address` is the subscriber's id).
    WEBHOOK = "webhook"


class Reach(StrEnum):
    """Which of a person's bound channels their alerts go to (the admin's choice)."""

    ALL = "all"
    TELEGRAM = "telegram"
    LINE = "line"


class DeliveryKind(StrEnum):
    """What an outbox row sends; some are rendered from the database when they go out."""

    ALERT = "alert"  # the alert to a recipient, rendered at send time
    ALERT_EDIT = "alert_edit"  # re-render a sent alert (e.g. who acknowledged)
    PROGRESS = "progress"  # the reporter's status message, rendered at send time
    PROGRESS_EDIT = "progress_edit"
    LOCATION = "location"
    ATTACHMENT = "attachment"
    REMINDER = "reminder"  # a reminder to acknowledge, rendered at send time
    MESSAGE = "message"  # fixed text (notices)
    WEBHOOK = "webhook"  # an event POSTed to a subscribing system, made when it happened


class DeliveryStatus(StrEnum):
    """Where an outbox row is."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanently: the chat is unreachable or the request is wrong
    SKIPPED = "skipped"  # nothing to do any more (e.g. an edit of an alert never delivered)


class RecipientRole(StrEnum):
    """Why a chat receives an incident's alerts."""

    EXECUTIVE = "executive"
    WAR_ROOM = "war_room"
    ESCALATION = "escalation"


class PendingInputKind(StrEnum):
    """What a person's next free-text message is taken as, after pressing a button."""

    UPDATE = "update"
    INSTRUCTION = "instruction"
    INFO_QUESTION = "info_question"
    INFO_ANSWER = "info_answer"
    CLOSE_SUMMARY = "close_summary"

"""Every mapped class, imported here so metadata (and Alembic) sees them all."""

from storage.models.alerts import AlertRecipient, Delivery
from storage.models.audit import AuditAction, AuditEvent
from storage.models.base import Base, UTCDateTime
from storage.models.drill import Drill, DrillParticipant, DrillSequence, DrillStatus
from storage.models.enums import (
    OPEN_STATUSES,
    AttachmentKind,
    Category,
    Channel,
    DdpmLevel,
    DeliveryKind,
    DeliveryStatus,
    DraftStatus,
    EventKind,
    IncidentStatus,
    PendingInputKind,
    Reach,
    RecipientRole,
    ReportStep,
    Urgency,
)
from storage.models.incident import (
    Attachment,
    Incident,
    IncidentEvent,
    IncidentSequence,
    ReportDraft,
)
from storage.models.intake import InboxStatus, InboxUpdate, Instance
from storage.models.links import IncidentLink, LinkState
from storage.models.roster import (
    Agency,
    District,
    Invite,
    LineStrangerContact,
    Person,
    PersonRole,
    Province,
    Role,
    StrangerContact,
)
from storage.models.subscriber import Subscriber, SubscriberKind, WebhookEvent
from storage.models.tally import AckTally, IncidentTally
from storage.models.thread import InfoRequest, Instruction, PendingInput
from storage.models.web import WebLoginToken, WebSession

__all__ = [
    "OPEN_STATUSES",
    "AckTally",
    "Agency",
    "AlertRecipient",
    "Attachment",
    "AttachmentKind",
    "AuditAction",
    "AuditEvent",
    "Base",
    "Category",
    "Channel",
    "DdpmLevel",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "District",
    "DraftStatus",
    "Drill",
    "DrillParticipant",
    "DrillSequence",
    "DrillStatus",
    "EventKind",
    "InboxStatus",
    "InboxUpdate",
    "Incident",
    "IncidentEvent",
    "IncidentLink",
    "IncidentSequence",
    "IncidentStatus",
    "IncidentTally",
    "InfoRequest",
    "Instance",
    "Instruction",
    "Invite",
    "LineStrangerContact",
    "LinkState",
    "PendingInput",
    "PendingInputKind",
    "Person",
    "PersonRole",
    "Province",
    "Reach",
    "RecipientRole",
    "ReportDraft",
    "ReportStep",
    "Role",
    "StrangerContact",
    "Subscriber",
    "SubscriberKind",
    "UTCDateTime",
    "Urgency",
    "WebLoginToken",
    "WebSession",
    "WebhookEvent",
]

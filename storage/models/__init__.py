"""Every mapped class, imported here so metadata (and Alembic) sees them all."""

from storage.models.audit import AuditAction, AuditEvent
from storage.models.base import Base, UTCDateTime
from storage.models.roster import (
    Agency,
    District,
    Invite,
    Person,
    PersonRole,
    Province,
    Role,
    StrangerContact,
)

__all__ = [
    "Agency",
    "AuditAction",
    "AuditEvent",
    "Base",
    "District",
    "Invite",
    "Person",
    "PersonRole",
    "Province",
    "Role",
    "StrangerContact",
    "UTCDateTime",
]

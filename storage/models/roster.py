"""The roster: provinces, districts, agencies, people, their roles and invitations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.models.enums import Reach, string_enum


class Role(StrEnum):
    """What a person may do (DESIGN §2)."""

    REPORTER = "reporter"
    EXECUTIVE = "executive"
    ADMIN = "admin"


class Province(Base):
    """A province running its own deployment (Phichit first)."""

    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    dopa_code: Mapped[str] = mapped_column(String(2), unique=True)
    reference_prefix: Mapped[str] = mapped_column(String(8))
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    districts: Mapped[list[District]] = relationship(
        back_populates="province", order_by="District.code", lazy="selectin"
    )


class District(Base):
    """An amphoe (อำเภอ), identified by its DOPA code."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))

    province: Mapped[Province] = relationship(back_populates="districts")


class Agency(Base):
    """A government agency (ส่วนราชการ) or district office, as the roster names it."""

    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("province_id", "name", name="uq_agency_province_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class Person(Base):
    """Someone on the roster; `roster_id` is the key the province's own list uses."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("province_id", "roster_id", name="uq_person_roster_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    roster_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    joined_at: Mapped[datetime | None]
    # Set when Telegram refuses to deliver to the person (blocked the bot, chat gone).
    unreachable_since: Mapped[datetime | None]
    # The person's LINE account on the province's Official Account, once bound by an invite;
    # unreachable since they blocked the account (an unfollow), until they unblock it.
    line_user_id: Mapped[str | None] = mapped_column(String(33), unique=True)
    line_joined_at: Mapped[datetime | None]
    line_unreachable_since: Mapped[datetime | None]
    # Which bound channels alerts and their follow-ups go to: every one, or one chosen.
    reach: Mapped[Reach] = mapped_column(
        string_enum(Reach, 16), default=Reach.ALL, server_default=Reach.ALL.value
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    agency: Mapped[Agency] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    role_rows: Mapped[list[PersonRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PersonRole.role"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The person's roles."""
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        """Whether the person holds `role`."""
        return role in self.roles


class PersonRole(Base):
    """One role held by one person."""

    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(string_enum(Role, 16), primary_key=True)


class Invite(Base):
    """A single-use, expiring code that binds a chat account (Telegram or LINE) to a person;
    stored hashed."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    used_by_line_user_id: Mapped[str | None] = mapped_column(String(33))
    created_by: Mapped[str] = mapped_column(String(64))

    person: Mapped[Person] = relationship(lazy="joined")


class StrangerContact(Base):
    """When admins were last told about an unknown Telegram account (rate-limits the notice)."""

    __tablename__ = "stranger_contact"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_notified_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


class LineStrangerContact(Base):
    """The same as StrangerContact, for an unknown LINE account."""

    __tablename__ = "line_stranger_contact"

    line_user_id: Mapped[str] = mapped_column(String(33), primary_key=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_notified_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

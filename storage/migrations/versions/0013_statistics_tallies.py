# ruff: noqa: S608 - the SQL here is fixed text built from the names below, never input.
"""Statistics tallies kept in step with the incident table by triggers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage/models/tally.py says what the tallies hold. Every statement here is fixed text (no
# input reaches it). A later migration that rebuilds the incident table on SQLite
# (batch_alter_table) drops these triggers with the old table and must create them again.

_KEYS = ("month", "district_id", "category", "urgency", "status", "drill", "once")
_FIGURES = ("dead", "injured", "missing", "affected_households")
_TALLY_VALUES = (
    "incidents",
    "acknowledged",
    *(name for figure in _FIGURES for name in (figure, f"{figure}_known")),
)
_ACK_KEYS = ("urgency", "drill", "once", "seconds")
# The columns whose change moves an incident from one tally row to another.
_WATCHED = (
    "occurred_at",
    "district_id",
    "category",
    "urgency",
    "status",
    "drill_id",
    "link_group_id",
    "created_at",
    "acknowledged_at",
    *_FIGURES,
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _keys(r: str) -> list[str]:
    """An incident row's tally key, `r` naming the row (new, old or the table)."""
    if _postgresql():
        month = f"to_char(({r}.occurred_at AT TIME ZONE 'UTC') + interval '420 minutes', 'YYYY-MM')"
        flag = "({})::int"
    else:
        month = f"strftime('%Y-%m', {r}.occurred_at, '+420 minutes')"
        flag = "({})"
    return [
        month,
        f"{r}.district_id",
        f"{r}.category",
        f"{r}.urgency",
        f"{r}.status",
        flag.format(f"{r}.drill_id IS NOT NULL"),
        flag.format(f"{r}.link_group_id IS NULL OR {r}.link_group_id = {r}.id"),
    ]


def _values(r: str, sign: str) -> list[str]:
    """An incident row's contribution to its tally row, times `sign` (1 or -1)."""
    cast = "({})::int" if _postgresql() else "({})"
    found = [sign, f"{sign} * {cast.format(f'{r}.acknowledged_at IS NOT NULL')}"]
    for figure in _FIGURES:
        found += [
            f"{sign} * coalesce({r}.{figure}, 0)",
            f"{sign} * {cast.format(f'{r}.{figure} IS NOT NULL')}",
        ]
    return found


def _seconds(r: str) -> str:
    if _postgresql():
        return f"round(extract(epoch FROM {r}.acknowledged_at - {r}.created_at))::int"
    delay = f"(julianday({r}.acknowledged_at) - julianday({r}.created_at)) * 86400"
    return f"CAST(round({delay}) AS INTEGER)"


def _ack_keys(r: str) -> list[str]:
    keys = _keys(r)
    return [keys[3], keys[5], keys[6], _seconds(r)]


def _upsert(table: str, keys: Sequence[str], values: Sequence[str], rows: list[str]) -> str:
    """Add rows (each `SELECT keys..., values...`) into a tally, summed by key and in key
    order: two rows of one change on the same key become one, and concurrent writers on
    PostgreSQL lock tally rows in one order, so they cannot deadlock on them."""
    columns = [*keys, *values]
    summed = ", ".join([*keys, *(f"sum({v})" for v in values)])
    grouped = ", ".join(keys)
    additions = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    parts = " UNION ALL ".join(rows)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {summed} FROM ({parts}) AS change "
        f"WHERE true GROUP BY {grouped} ORDER BY {grouped} "
        f"ON CONFLICT ({grouped}) DO UPDATE SET {additions}"
    )


def _named(expressions: Sequence[str], names: Sequence[str]) -> str:
    return ", ".join(f"{e} AS {n}" for e, n in zip(expressions, names, strict=True))


def _changes(signed: list[tuple[str, str]]) -> list[str]:
    """The two upserts for rows `signed` ((row, sign) pairs): the tally, then the histogram of
    the acknowledged ones."""
    columns = [*_KEYS, *_TALLY_VALUES]
    tally = [f"SELECT {_named([*_keys(r), *_values(r, s)], columns)}" for r, s in signed]
    acks = [
        f"SELECT {_named([*_ack_keys(r), s], [*_ACK_KEYS, 'incidents'])} "
        f"WHERE {r}.acknowledged_at IS NOT NULL"
        for r, s in signed
    ]
    return [
        _upsert("incident_tally", _KEYS, _TALLY_VALUES, tally),
        _upsert("ack_tally", _ACK_KEYS, ("incidents",), acks),
    ]


def _backfill() -> None:
    columns = [*_KEYS, *_TALLY_VALUES]
    op.execute(
        _upsert(
            "incident_tally",
            _KEYS,
            _TALLY_VALUES,
            [
                f"SELECT {_named([*_keys('incident'), *_values('incident', '1')], columns)} "
                "FROM incident"
            ],
        )
    )
    op.execute(
        _upsert(
            "ack_tally",
            _ACK_KEYS,
            ("incidents",),
            [
                f"SELECT {_named([*_ack_keys('incident'), '1'], [*_ACK_KEYS, 'incidents'])} "
                "FROM incident "
                "WHERE incident.acknowledged_at IS NOT NULL"
            ],
        )
    )


_EVENTS = {
    "insert": ("INSERT", [("new", "1")]),
    "delete": ("DELETE", [("old", "-1")]),
    "update": (f"UPDATE OF {', '.join(_WATCHED)}", [("old", "-1"), ("new", "1")]),
}


def _create_triggers() -> None:
    for name, (event, signed) in _EVENTS.items():
        statements = _changes(signed)
        if _postgresql():
            body = "; ".join(s.replace("new.", "NEW.").replace("old.", "OLD.") for s in statements)
            op.execute(
                f"CREATE FUNCTION incident_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body}; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER incident_tally_{name} AFTER {event} ON incident "
                f"FOR EACH ROW EXECUTE FUNCTION incident_tally_{name}()"
            )
        else:
            body = " ".join(f"{s};" for s in statements)
            op.execute(
                f"CREATE TRIGGER incident_tally_{name} AFTER {event} ON incident "
                f"FOR EACH ROW BEGIN {body} END"
            )


def upgrade() -> None:
    op.create_table(
        "incident_tally",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("drill", sa.Integer(), nullable=False),
        sa.Column("once", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _TALLY_VALUES),
        sa.PrimaryKeyConstraint(*_KEYS, name=op.f("pk_incident_tally")),
    )
    op.create_table(
        "ack_tally",
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("drill", sa.Integer(), nullable=False),
        sa.Column("once", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_ACK_KEYS, name=op.f("pk_ack_tally")),
    )
    _backfill()
    _create_triggers()


def downgrade() -> None:
    for name in _EVENTS:
        op.execute(
            f"DROP TRIGGER IF EXISTS incident_tally_{name}"
            + (" ON incident" if _postgresql() else "")
        )
        if _postgresql():
            op.execute(f"DROP FUNCTION IF EXISTS incident_tally_{name}()")
    op.drop_table("ack_tally")
    op.drop_table("incident_tally")

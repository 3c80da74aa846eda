"""What a request carries (query string, form, path), cleaned as the bot cleans what people
type: no route reads raw input, so no control character reaches a query, a page or a log."""

from __future__ import annotations

from starlette.requests import Request

from incidents.records.filters import IncidentFilter
from incidents.text.web import DAY_FILTERS, FILTER_LABELS, day_unreadable
from incidents.textclean import clean_line
from storage.models import AuditAction

# Page numbers of the audit log past this many digits are typing errors: the first page.
_PAGE_DIGITS = 7


def query(request: Request) -> dict[str, str]:
    """The query string's values (the last of a repeated name), each cleaned to one line."""
    return {name: clean_line(value) for name, value in request.query_params.items()}


async def form(request: Request) -> dict[str, str]:
    """The form's text fields, each cleaned to one line (uploads are not read)."""
    fields = await request.form()
    return {name: clean_line(value) for name, value in fields.items() if isinstance(value, str)}


def path(request: Request, name: str) -> str:
    """A text part of the address, cleaned to one line."""
    return clean_line(str(request.path_params[name]))


def number(request: Request, name: str) -> int:
    """A whole-number part of the address (the route's pattern admits digits only)."""
    return int(request.path_params[name])


def incident_filter(request: Request) -> tuple[IncidentFilter, list[str]]:
    """The list's filters in the query string (invalid values are dropped), and a note for
    each typed day that could not be read."""
    wanted, dropped = IncidentFilter.read(query(request))
    notes = [
        day_unreadable(FILTER_LABELS[name], dropped[name])
        for name in DAY_FILTERS
        if name in dropped
    ]
    return wanted, notes


def audit_filter(request: Request) -> tuple[int, AuditAction | None]:
    """The audit log's page number (the first when unreadable) and kind of event, if any."""
    asked = query(request)
    raw_page = asked.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) < _PAGE_DIGITS else 1
    action_value = asked.get("action", "")
    return page, next((a for a in AuditAction if a.value == action_value), None)

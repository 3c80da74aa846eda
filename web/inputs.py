"""What a request carries (query string, form, path), cleaned as the bot cleans what people
type: no route reads raw input, so no control character reaches a query, a page or a log."""

from __future__ import annotations

from starlette.requests import Request

from incidents.textclean import clean_line


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

"""The little HTTP/1.1 the fault proxy needs: read a request, write an answer, reset."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
from dataclasses import dataclass
from urllib.parse import parse_qs

HOP_HEADERS = frozenset({"host", "connection", "keep-alive", "content-length", "transfer-encoding"})


@dataclass
class Request:
    verb: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    verb, path, _ = lines[0].split(" ", 2)
    headers = [
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    ]
    length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
    if any(k.lower() == "transfer-encoding" for k, _ in headers):
        raise ValueError("chunked request bodies are not supported")
    body = await reader.readexactly(length) if length else b""
    return Request(verb, path, headers, body)


async def write_answer(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    extra: list[tuple[str, str]] | None = None,
) -> None:
    head = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in extra or []]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def error_answer(code: int, retry_after: int) -> tuple[int, bytes, list[tuple[str, str]]]:
    """The Bot API error envelope for an injected 429, 500 or 502."""
    payload: dict[str, object] = {"ok": False, "error_code": code}
    extra: list[tuple[str, str]] = []
    if code == 429:
        payload["description"] = f"Too Many Requests: retry after {retry_after}"
        payload["parameters"] = {"retry_after": retry_after}
        extra.append(("Retry-After", str(retry_after)))
    else:
        payload["description"] = "Internal Server Error" if code == 500 else "Bad Gateway"
    return code, json.dumps(payload).encode(), extra


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with TCP RST (SO_LINGER 0), as a dropped connection looks to the client."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def summary(request: Request) -> tuple[str | None, str | None, str | None]:
    """chat_id, text (or caption) and callback_query_id of a request body, when present."""
    fields = body_fields(request)
    chat = fields.get("chat_id")
    text = fields.get("text") or fields.get("caption")
    query = fields.get("callback_query_id")
    return (
        None if chat is None else str(chat),
        None if text is None else str(text),
        None if query is None else str(query),
    )


def body_fields(request: Request) -> dict[str, object]:
    """The simple fields of a JSON, form or multipart body, and of the query string."""
    fields: dict[str, object] = {}
    if "?" in request.path:
        fields.update({k: v[0] for k, v in parse_qs(request.path.split("?", 1)[1]).items()})
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), "")
    body = request.body
    if content_type.startswith("application/json") and body:
        with contextlib.suppress(ValueError):
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                fields.update(loaded)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        fields.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
    elif content_type.startswith("multipart/form-data") and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip('"').encode()
        for part in body.split(b"--" + boundary):
            head, _, value = part.partition(b"\r\n\r\n")
            if b"filename=" in head or b'name="' not in head:
                continue
            name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
            fields[name] = value.rstrip(b"\r\n").decode("utf-8", "replace")
    return fields

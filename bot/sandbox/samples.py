"""The sample photo and document a sandbox phone can attach, made when asked."""

from __future__ import annotations

from functools import cache

from incidents.text import sandbox as texts
from simulator.telegram.images import make_png
from web.phones import Sample, SampleKind

__all__ = ["SAMPLES", "SampleKind", "by_key", "content", "content_type", "file_name"]

SAMPLES = (
    Sample("flood-photo", texts.SAMPLE_PHOTO, SampleKind.PHOTO),
    Sample("memo-pdf", texts.SAMPLE_DOCUMENT, SampleKind.DOCUMENT),
)

# The smallest well-formed PDF: one empty A4 page.
_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def by_key(key: str) -> Sample:
    """The sample of that key (the web log checked it is one)."""
    return next(sample for sample in SAMPLES if sample.key == key)


@cache
def content(sample: Sample) -> bytes:
    """The sample's bytes: a muddy-water picture, or a one-page PDF."""
    if sample.kind is SampleKind.PHOTO:
        return make_png(320, 240, (120, 100, 70))
    return _PDF


def file_name(sample: Sample) -> str:
    return f"{sample.key}.pdf"


def content_type(data: bytes) -> str:
    """What a file in a chat is, from its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    return "application/octet-stream"

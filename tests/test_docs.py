"""The project documents itself: every file the docs point to is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Markdown link targets, and file names quoted as code (`docs/x.md`, `../y.md`).
_REFERENCE_RE = re.compile(r"\]\(([^)\s]+)\)|`([^`\s]+\.md)`")


def references(doc: Path) -> list[str]:
    """The local files a document points to (web addresses and anchors left out)."""
    found = []
    for link, quoted in _REFERENCE_RE.findall(doc.read_text(encoding="utf-8")):
        target = (link or quoted).split("#", 1)[0]
        if target and not re.match(r"^[a-z]+:", target):
            found.append(target)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_file_a_document_points_to_is_in_the_repository(doc: Path):
    for target in references(doc):
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{target} is outside the repository"
        assert resolved.exists(), f"{target} does not exist"


def test_the_readme_links_the_design_and_the_operations_guide():
    assert {"docs/design.md", "docs/operations.md"} <= set(references(ROOT / "README.md"))

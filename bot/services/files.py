"""Keeping downloaded files under the data folder, named by content."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

_EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where a file was kept (relative to the files folder), its SHA-256 and size."""

    relative_path: str
    sha256: str
    size: int


def store(files_dir: Path, content: bytes, extension: str) -> StoredFile:
    """Write `content` once under files_dir/ab/<sha256>.<ext>; identical files share a copy."""
    digest = hashlib.sha256(content).hexdigest()
    ext = extension.lower().lstrip(".")
    suffix = f".{ext}" if _EXT_RE.match(ext) else ".bin"
    relative = Path(digest[:2]) / f"{digest}{suffix}"
    target = files_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(content)
        os.replace(partial, target)  # never leave a half-written file under the final name
    return StoredFile(relative.as_posix(), digest, len(content))

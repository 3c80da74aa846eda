"""Keeping downloaded files under the data folder, named by content, readable by us alone."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")

# Reports, photos and the roster are personal data (PDPA): only the service's own user may
# read them, whatever the umask of whoever started it.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_GROUP_AND_OTHERS = 0o077


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where a file was kept (relative to the files folder), its SHA-256 and size."""

    relative_path: str
    sha256: str
    size: int


def private_dir(path: Path) -> None:
    """Create `path` and its missing parents as 0700 folders; tighten `path` if it is looser."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            # mkdir's mode passes through the umask, which only ever removes bits.
            folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
            os.chmod(folder, PRIVATE_DIR_MODE)
    _tighten(path)


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to a 0600 file (an existing file is truncated and tightened)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
        handle.write(content)


def secure_tree(root: Path) -> int:
    """Make `root` and everything under it ours alone (0700 folders, 0600 files).

    Folders and files left by an earlier version or a looser umask are tightened; returns how
    many were. Symbolic links are left alone (their targets are not ours to change).
    """
    private_dir(root)
    tightened = 0
    for folder, subfolders, names in os.walk(root):
        for name in [*subfolders, *names]:
            tightened += _tighten(Path(folder) / name)
    if tightened:
        log.warning("tightened the permissions of %d item(s) under the data folder", tightened)
    return tightened


def _tighten(path: Path) -> int:
    """Remove group and other access from `path`; 1 when something changed."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode) or not mode & _GROUP_AND_OTHERS:
            return 0
        os.chmod(path, stat.S_IMODE(mode) & ~_GROUP_AND_OTHERS)
    except PermissionError as exc:
        log.warning("cannot tighten the permissions of a data item (%s)", exc.strerror)
        return 0
    return 1


def store(files_dir: Path, content: bytes, extension: str) -> StoredFile:
    """Write `content` once under files_dir/ab/<sha256>.<ext>; identical files share a copy."""
    digest = hashlib.sha256(content).hexdigest()
    ext = extension.lower().lstrip(".")
    suffix = f".{ext}" if _EXT_RE.match(ext) else ".bin"
    relative = Path(digest[:2]) / f"{digest}{suffix}"
    target = files_dir / relative
    if target.exists():
        # In use again: retention (incidents.records.retention) leaves a file touched lately.
        os.utime(target)
    else:
        private_dir(target.parent)
        partial = target.with_suffix(target.suffix + ".part")
        write_private(partial, content)
        os.replace(partial, target)  # never leave a half-written file under the final name
    return StoredFile(relative.as_posix(), digest, len(content))


def kept(files_dir: Path, relative_path: str) -> Path | None:
    """The file kept at `relative_path` under files_dir, if it is there and really under it
    (a stored path is never trusted to stay inside the folder)."""
    root = files_dir.resolve()
    path = (root / relative_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path

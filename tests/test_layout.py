"""The layout keeps its meaning: what the import contracts cannot see, checked in the source.

- Telegram's callback strings are made and read only by the codec (handlers/codec.py).
- Handlers and web routes call use cases; they open no transaction of their own.
- No source file outside migrations and tests grows past what one reader can hold.
- The import contracts in pyproject.toml hold (the same check .ci/run and pre-commit run).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["bot", "handlers", "incidents", "simulator", "storage", "web"]
MAX_LINES = 320
CODEC = ROOT / "handlers" / "codec.py"

# A callback string being built (f"t|{id}|menu", "a|" + …) or taken apart (data.split("|")).
_CALLBACK_MADE = re.compile(r"""f?["'][a-z]\|""")
_CALLBACK_READ = re.compile(r"""\.split\(\s*["']\|["']""")
_TRANSACTION = re.compile(r"\.db\.(read|write)\(|\bcore\.(unit|reading)\(|\bAsyncSession\b")


def sources(*packages: str) -> list[Path]:
    found = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found.append(path)
    return found


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", sources(*PACKAGES), ids=_name)
def test_no_file_outgrows_one_reading(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines: split it by meaning"


def test_callback_strings_live_in_the_codec_alone():
    offenders = []
    for path in sources("bot", "handlers", "incidents", "web"):
        if path == CODEC:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _CALLBACK_MADE.search(line) or _CALLBACK_READ.search(line):
                offenders.append(f"{_name(path)}:{number}: {line.strip()}")
    assert offenders == []


def test_handlers_and_routes_leave_transactions_to_the_use_cases():
    offenders = []
    for path in sources("handlers", "web"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _TRANSACTION.search(line):
                offenders.append(f"{_name(path)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:]

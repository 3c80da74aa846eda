"""`incident-bot sandbox` as a separate process, on a free port with a data folder of its own."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.program import closed_port, command, environment

STARTED_RE = re.compile(r"โหมดทดลอง: เปิด (http://\S+)/sandbox")
START_TIMEOUT_S = 120.0


@dataclass
class RunningSandbox:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 10.0) -> float:
        """SIGTERM, then the seconds it took to exit (fails past `timeout`)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout)
        return time.monotonic() - started


def _wait_started(process: subprocess.Popen[bytes], log_path: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        found = STARTED_RE.search(text)
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise AssertionError(f"the sandbox exited with {process.returncode}:\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"the sandbox did not start:\n{log_path.read_text()}")


@contextlib.contextmanager
def sandbox(folder: Path, database_url: str = "", **env: str) -> Iterator[RunningSandbox]:
    """The sandbox started in `folder` (its data in `folder/sandbox`), stopped at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / f"sandbox-{time.monotonic_ns()}.log"
    args = ["sandbox", "--port", str(closed_port()), "--data-dir", str(folder / "sandbox")]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command(), *args],
            cwd=folder,
            env=environment(SANDBOX_DATABASE_URL=database_url, **env),
            stdout=log,
            stderr=log,
        )
    try:
        yield RunningSandbox(_wait_started(process, log_path), process, log_path)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)

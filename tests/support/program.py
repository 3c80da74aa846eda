"""Running the real `incident-bot` program as a separate process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def command() -> list[str]:
    """The installed console script, or `python -m bot` when it is not installed."""
    script = Path(sys.executable).parent / "incident-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def environment(**values: str) -> dict[str, str]:
    """The current environment without Telegram settings, plus `values`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    # The web log on any free port, so programs under test never collide on 8080.
    return {**clean, "PYTHONPATH": str(ROOT), "WEB_PORT": "0", **values}


def run_cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one CLI command to completion."""
    return subprocess.run(
        [*command(), *args],
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Program:
    """`incident-bot run` in the background, with its output in a log file."""

    def __init__(self, cwd: Path, **env: str) -> None:
        self.cwd = cwd
        self.env = environment(**env)
        self.log_path = cwd / f"program-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the program."""
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*command(), "run"], cwd=self.cwd, env=self.env, stdout=log, stderr=log
        )

    def output(self) -> str:
        """Everything the program printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self) -> int:
        """SIGTERM and wait for a clean exit; return the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def ensure_stopped(self) -> None:
        """Kill the program if it is still running (test clean-up)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

"""Running the real `incident-bot` program as a separate process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

_WEB_URL_RE = re.compile(r"web log listening on (http://\S+)")

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


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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

    def start(self, *, umask: int = -1) -> None:
        """Start the program (with `umask`, or the test runner's own when -1)."""
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*command(), "run"],
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=log,
            umask=umask,
        )

    def output(self) -> str:
        """Everything the program printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_output(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        """Wait until the program's output matches `pattern`; fail if it exits first."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.output())
            if found:
                return found
            exited = self.process.poll()
            assert exited is None, f"the program exited ({exited}):\n{self.output()}"
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{self.output()}"
            time.sleep(0.05)

    def web_url(self, timeout: float = 60.0) -> str:
        """Where the program's web log listens, as it logged it."""
        return self.wait_for_output(_WEB_URL_RE.pattern, timeout).group(1)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 60.0) -> int:
        """Send `sig` and wait for the program to exit; return the exit code."""
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self) -> int:
        """SIGTERM and wait for a clean exit; return the exit code."""
        return self.stop(signal.SIGTERM)

    def ensure_stopped(self) -> None:
        """Kill the program if it is still running (test clean-up)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

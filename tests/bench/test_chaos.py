"""The short chaos run: the real program behind the fault proxy, killed twice, with one executive
on the faulted fake LINE Platform, holds the thresholds of issues 12 and 13 (nothing missing,
lost, duplicated or dropped, on LINE no duplicate alert at all; alerts in time; few error
notices)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos.run import Options, run

pytestmark = pytest.mark.slow


async def test_a_short_chaos_run_with_an_executive_on_line_meets_the_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    options = Options(
        reporters=4,
        reports=8,
        kills=2,
        fault_rate=0.2,
        seed=12,
        patience=8.0,
        uptime=(2.0, 6.0),
        hang_seconds=21.0,  # just past the program's 20 s read timeout
        attempts=2,
        settle_limit=90.0,
        line_executives=1,
    )
    figures = await run(options, tmp_path)
    assert figures.kills == 2
    assert sum(figures.faults.values()) > 0
    assert figures.line is not None and figures.line.expected == figures.incidents > 0
    assert figures.failures() == [], "\n".join(figures.lines())

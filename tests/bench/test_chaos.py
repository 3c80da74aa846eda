"""The short chaos run: the real program behind the fault proxy, killed twice, holds issue 12's
thresholds (nothing missing, lost, duplicated or dropped; alerts in time; few error notices)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos.run import Options, run

pytestmark = pytest.mark.slow


async def test_a_short_chaos_run_meets_the_thresholds_of_issue_12(
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
    )
    figures = await run(options, tmp_path)
    assert figures.kills == 2
    assert sum(figures.faults.values()) > 0
    assert figures.failures() == [], "\n".join(figures.lines())

"""The drill CLI: start, refuse a second, inject a scenario, list, end with the report."""

from __future__ import annotations

from tests.bot.test_cli_roster import SAMPLE, cli  # noqa: F401 - the fixture


def test_a_drill_from_start_to_report(cli):  # noqa: F811
    assert cli("roster", "import", str(SAMPLE)).exit_code == 0

    started = cli(
        "drill", "start", "--title", "ซ้อมน้ำท่วม", "--minutes", "30", "--people", "GOV,D6604"
    )
    assert started.exit_code == 0, started.output
    assert "drill 1 started" in started.output
    again = cli("drill", "start", "--title", "อีก", "--role", "executive")
    assert again.exit_code != 0 and "มีการฝึกซ้อมที่ยังไม่สิ้นสุดอยู่แล้ว" in again.output

    injected = cli("drill", "inject", "--scenario", "flood-taphan-hin")
    assert injected.exit_code == 0, injected.output
    assert injected.output.startswith("PCT-DRILL-")
    assert "running" in cli("drill", "list").output

    ended = cli("drill", "end")
    assert ended.exit_code == 0, ended.output
    assert ended.output.startswith("🧪 การฝึกซ้อม — ไม่ใช่เหตุจริง")
    assert "ยังไม่มีผู้บริหารรับทราบ" in ended.output
    assert "รายงานผลการฝึกซ้อม" in cli("drill", "report", "1").output
    assert cli("drill", "end").exit_code != 0

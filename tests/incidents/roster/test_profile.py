"""What a person is told about themselves, built by the core as channel-neutral Text."""

from __future__ import annotations

from incidents.core import Core
from incidents.roster import profile
from incidents.text.rich import Style
from tests.incidents.reports.conftest import core as core
from tests.incidents.reports.conftest import member


async def test_whoami_shows_the_roster_entry_with_only_its_heading_styled(core: Core):
    reporter = await member(core, "D6604")

    shown = profile.whoami(core, reporter)

    assert f"ชื่อ: {reporter.name}" in shown.plain()
    assert "ผู้รายงานเหตุ" in shown.plain()
    assert [s.text for s in shown if s.style is Style.BOLD] == ["ข้อมูลของท่านในทะเบียน"]


async def test_the_greeting_and_help_list_only_the_commands_of_the_persons_roles(core: Core):
    governor = await member(core, "GOV")
    reporter = await member(core, "D6604")

    assert "/report" not in profile.help_for(governor).plain()
    assert "/report" in profile.help_for(reporter).plain()
    assert "ยินดีต้อนรับกลับ" in profile.welcome(reporter, again=True).plain()

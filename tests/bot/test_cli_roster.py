"""The roster CLI: importing, listing, deactivating and inviting people."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.cli import main
from incidents.roster.invites import hash_code
from storage.db import Database
from storage.models import AuditAction, AuditEvent, Invite, Person, Role
from tests.conftest import TEST_TOKEN
from tests.support.program import closed_port

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "phichit-roster.csv"
HEADER = "id,name,position,agency,district,phone,roles\n"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `incident-bot` in an empty folder against the test database."""
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    env = {"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": "", "PROVINCE": "phichit"}

    def invoke(*args: str, **extra_env: str) -> Result:
        return CliRunner().invoke(
            main, list(args), env={**env, **extra_env}, catch_exceptions=False
        )

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def query(url: str, statement):
    async def _run():
        db = Database(url)
        try:
            async with db.read() as session:
                return (await session.execute(statement)).all()
        finally:
            await db.dispose()

    return asyncio.run(_run())


def people(url: str) -> dict[str, Person]:
    return {row[0].roster_id: row[0] for row in query(url, select(Person))}


def write(tmp_path: Path, body: str, name: str = "roster.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return str(path)


def test_sample_roster_imports_with_thai_intact(cli, database_url):
    result = cli("roster", "import", str(SAMPLE))

    assert result.exit_code == 0, result.output
    assert "30 added, 0 updated, 0 unchanged" in result.output
    roster = people(database_url)
    assert roster["GOV"].name == "นายสมมติ ตัวอย่างดี"
    assert roster["GOV"].roles == {Role.EXECUTIVE}
    assert roster["SNJ"].roles == {Role.REPORTER, Role.ADMIN}
    assert roster["D6603"].district is not None
    assert roster["D6603"].district.name_th == "โพธิ์ประทับช้าง"
    assert sum(1 for p in roster.values() if p.has_role(Role.EXECUTIVE)) == 4
    assert sum(1 for p in roster.values() if p.district is not None) == 12


def test_reimport_is_idempotent(cli, database_url):
    cli("roster", "import", str(SAMPLE))
    before = {k: (p.id, p.updated_at) for k, p in people(database_url).items()}

    result = cli("roster", "import", str(SAMPLE))

    assert result.exit_code == 0
    assert "0 added, 0 updated, 30 unchanged" in result.output
    after = {k: (p.id, p.updated_at) for k, p in people(database_url).items()}
    assert after == before


def test_reimport_updates_changed_people_by_id(cli, database_url, tmp_path):
    cli("roster", "import", str(SAMPLE))
    changed = HEADER + (
        "D6601,นายใหม่ ทดแทนสมมติ,นายอำเภอเมืองพิจิตร,ที่ว่าการอำเภอเมืองพิจิตร,6601,"
        "080-000-9999,reporter;admin\n"
    )

    result = cli("roster", "import", write(tmp_path, changed))

    assert result.exit_code == 0
    assert "0 added, 1 updated, 0 unchanged" in result.output
    assert "29 people on the roster are not in this file" in result.output
    person = people(database_url)["D6601"]
    assert person.name == "นายใหม่ ทดแทนสมมติ"
    assert person.phone == "080-000-9999"
    assert person.roles == {Role.REPORTER, Role.ADMIN}
    assert len(people(database_url)) == 30


def test_bad_rows_reject_the_whole_file_naming_each_line(cli, database_url, tmp_path):
    body = HEADER + (
        "OK1,นายดี มีสุข,นายอำเภอ,ที่ว่าการอำเภอ,6601,080-000-0001,reporter\n"
        "BAD2,,ตำแหน่ง,หน่วยงาน,,080-000-0002,reporter\n"
        "BAD3,นายสาม,ตำแหน่ง,หน่วยงาน,9999,080-000-0003,reporter\n"
        "BAD4,นายสี่,ตำแหน่ง,หน่วยงาน,,080-000-0004,governor\n"
        "BAD5,นายห้า,ตำแหน่ง,หน่วยงาน,,not-a-phone,reporter\n"
        "BAD6,นายหก,ตำแหน่ง,หน่วยงาน,,080-000-0006,\n"
    )

    result = cli("roster", "import", write(tmp_path, body))

    assert result.exit_code == 1
    assert "rejected, nothing imported" in result.output
    assert "line 3: name:" in result.output
    assert "line 4: district '9999' is not a DOPA code of Phichit" in result.output
    assert "line 5: unknown role 'governor'" in result.output
    assert "line 6: phone:" in result.output
    assert "line 7: roles is empty" in result.output
    assert "line 2" not in result.output
    assert people(database_url) == {}


def test_duplicate_ids_are_rejected_with_both_lines(cli, database_url, tmp_path):
    body = HEADER + (
        "X1,นายหนึ่ง,ตำแหน่ง,หน่วยงาน,,,reporter\n"
        "X2,นายสอง,ตำแหน่ง,หน่วยงาน,,,reporter\n"
        "X1,นายหนึ่งซ้ำ,ตำแหน่ง,หน่วยงาน,,,executive\n"
    )

    result = cli("roster", "import", write(tmp_path, body))

    assert result.exit_code == 1
    assert "line 4: id 'X1' repeats line 2" in result.output
    assert people(database_url) == {}


def test_missing_columns_are_named(cli, tmp_path):
    result = cli("roster", "import", write(tmp_path, "id,name,roles\nX,นาย ก,reporter\n"))

    assert result.exit_code == 1
    assert "missing column(s): position, agency, district, phone" in result.output


def test_excel_thai_encoding_and_bom_are_read(cli, database_url, tmp_path):
    body = HEADER + "T1,นายทดสอบ อักษรไทย,ปลัดอำเภอ,ที่ว่าการอำเภอตะพานหิน,6604,,ผู้รายงาน\n"

    cp874 = cli("roster", "import", write(tmp_path, body, "excel.csv", "cp874"))
    bom = cli("roster", "import", write(tmp_path, "\ufeff" + body, "bom.csv"))

    assert cp874.exit_code == 0, cp874.output
    assert "cp874" in cp874.output
    assert bom.exit_code == 0, bom.output
    assert "0 added, 0 updated, 1 unchanged" in bom.output
    assert people(database_url)["T1"].name == "นายทดสอบ อักษรไทย"


def test_list_and_deactivate(cli, database_url):
    cli("roster", "import", str(SAMPLE))

    listing = cli("roster", "list")
    deactivated = cli("roster", "deactivate", "D6605")
    unknown = cli("roster", "deactivate", "NOPE")

    assert "นายอำเภอบางมูลนาก" in listing.output
    assert "30 people" in listing.output
    assert deactivated.exit_code == 0
    assert people(database_url)["D6605"].active is False
    assert unknown.exit_code == 1
    assert "no person with id 'NOPE'" in unknown.output
    actions = [row[0] for row in query(database_url, select(AuditEvent.action))]
    assert AuditAction.PERSON_DEACTIVATED in actions


def test_reach_chooses_where_alerts_go_and_is_audited(cli, database_url):
    cli("roster", "import", str(SAMPLE))

    chosen = cli("roster", "reach", "GOV", "line")
    again = cli("roster", "reach", "GOV", "LINE")
    wrong = CliRunner().invoke(main, ["roster", "reach", "GOV", "fax"])
    unknown = cli("roster", "reach", "NOPE", "all")
    listing = cli("roster", "list")

    assert chosen.exit_code == 0 and "alerts go to line" in chosen.output
    assert "has not joined on line yet" in chosen.output
    assert people(database_url)["GOV"].reach.value == "line"
    assert wrong.exit_code == 2 and unknown.exit_code == 1
    gov = next(row for row in listing.output.splitlines() if row.startswith("GOV\t"))
    assert gov.split("\t")[-3:] == ["not joined", "not joined", "line"]
    actions = [row[0] for row in query(database_url, select(AuditEvent.action))]
    assert actions.count(AuditAction.PERSON_REACH_SET) == 1  # the second changed nothing
    assert again.exit_code == 0


def test_invite_prints_link_and_stores_only_a_hash(cli, database_url):
    cli("roster", "import", str(SAMPLE))

    result = cli("roster", "invite", "GOV", TELEGRAM_BOT_USERNAME="phichit_incident_bot")

    assert result.exit_code == 0, result.output
    link = next(line for line in result.output.splitlines() if line.startswith("link: "))
    code = next(line for line in result.output.splitlines() if line.startswith("code: "))[6:]
    assert link == f"link: https://t.me/phichit_incident_bot?start={code}"
    assert len(code) >= 20
    stored = query(database_url, select(Invite.code_hash))
    assert stored == [(hash_code(code),)]
    assert code not in str(stored)


def test_a_second_invite_cancels_the_first(cli, database_url):
    cli("roster", "import", str(SAMPLE))
    cli("roster", "invite", "DGOV1")
    cli("roster", "invite", "DGOV1")

    first, second = query(
        database_url, select(Invite.created_at, Invite.expires_at).order_by(Invite.id)
    )
    assert first.expires_at <= second.created_at  # the first code stopped working
    assert second.expires_at > second.created_at


def test_deactivated_person_cannot_be_invited(cli):
    cli("roster", "import", str(SAMPLE))
    cli("roster", "deactivate", "D6602")

    result = cli("roster", "invite", "D6602")

    assert result.exit_code == 1
    assert "deactivated" in result.output


def test_sample_file_is_left_untouched(cli, tmp_path):
    copy = tmp_path / "copy.csv"
    shutil.copy(SAMPLE, copy)
    cli("roster", "import", str(copy))
    assert copy.read_bytes() == SAMPLE.read_bytes()


def codes_in(output: str) -> list[str]:
    return [line[6:] for line in output.splitlines() if line.startswith("code: ")]


def joined(url: str, roster_id: str, telegram_id: int) -> None:
    """Bind a roster person to a Telegram account, as accepting an invitation does."""

    async def _bind():
        db = Database(url)
        try:
            async with db.write() as session:
                person = await session.scalar(select(Person).where(Person.roster_id == roster_id))
                person.telegram_user_id = telegram_id
        finally:
            await db.dispose()

    asyncio.run(_bind())


def test_several_people_are_invited_at_once_each_with_a_code(cli, database_url):
    cli("roster", "import", str(SAMPLE))

    result = cli("roster", "invite", "GOV", "DGOV1", "D6604", TELEGRAM_BOT_USERNAME="a_bot")

    assert result.exit_code == 0, result.output
    codes = codes_in(result.output)
    assert len(set(codes)) == 3
    for roster_id in ("GOV", "DGOV1", "D6604"):
        assert f"invitation for {roster_id} (" in result.output
    assert f"https://t.me/a_bot?start={codes[2]}" in result.output
    stored = {row[0] for row in query(database_url, select(Invite.code_hash))}
    assert stored == {hash_code(code) for code in codes}, result.output


def test_a_role_sheet_is_a_private_excel_csv_with_links_from_the_bot_api(
    cli, database_url, tmp_path, fake_api
):
    cli("roster", "import", str(SAMPLE))
    sheet = tmp_path / "executives.csv"
    saved = os.umask(0)  # the most permissive: the sheet holds working codes all the same
    try:
        result = cli(
            "roster",
            *("invite", "--role", "executive", "--out", str(sheet)),
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_BASE_URL=fake_api.base_url,
            TELEGRAM_BOT_USERNAME="",  # asked from the Bot API (getMe)
        )
    finally:
        os.umask(saved)

    assert result.exit_code == 0, result.output
    assert f"4 invitation(s) written to {sheet}" in result.output
    assert "start=" not in result.output  # the codes are in the file, not on the screen
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8 and shows Thai
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["DGOV1", "DGOV2", "DGOV3", "GOV"]
    governor = rows[3]
    assert governor["name"] == "นายสมมติ ตัวอย่างดี"
    assert governor["position"] == "ผู้ว่าราชการจังหวัดพิจิตร"
    assert governor["agency"] == "ศาลากลางจังหวัดพิจิตร"
    assert governor["phone"] == "080-000-0001"
    assert governor["link"] == f"https://t.me/phichit_incident_bot?start={governor['code']}"
    assert re.fullmatch(r"\d{1,2} [ก-๙.]+ 25\d\d \d\d\.\d\d น\.", governor["valid_until"])
    stored = {row[0] for row in query(database_url, select(Invite.code_hash))}
    assert stored == {hash_code(r["code"]) for r in rows}


def test_not_joined_leaves_out_people_already_in_and_the_deactivated(cli, database_url):
    cli("roster", "import", str(SAMPLE))
    joined(database_url, "D6601", 7001)
    cli("roster", "deactivate", "D6602")

    result = cli("roster", "invite", "--role", "reporter", "--not-joined")

    assert result.exit_code == 0, result.output
    invited = re.findall(r"^invitation for (\S+) ", result.output, re.MULTILINE)
    assert "D6603" in invited and "SNJ" in invited  # a reporter and admin is a reporter too
    assert "D6601" not in invited and "D6602" not in invited
    assert not {"GOV", "ADMIN1"} & set(invited)
    assert len(invited) == 23  # the 25 reporters of the sample roster but those two


def test_unknown_ids_are_all_named_and_nobody_is_invited(cli, database_url):
    cli("roster", "import", str(SAMPLE))

    result = cli("roster", "invite", "GOV", "NOPE1", "D6601", "NOPE2")

    assert result.exit_code == 1
    assert "not on the roster: NOPE1, NOPE2; no invitation was issued" in result.output
    assert query(database_url, select(Invite.id)) == []


def test_a_deactivated_person_among_several_stops_the_whole_invitation(cli, database_url):
    cli("roster", "import", str(SAMPLE))
    cli("roster", "deactivate", "D6605")

    result = cli("roster", "invite", "D6604", "D6605")

    assert result.exit_code == 1
    assert "deactivated: D6605" in result.output
    assert query(database_url, select(Invite.id)) == []


def test_ids_and_a_role_together_are_refused(cli):
    cli("roster", "import", str(SAMPLE))

    both = cli("roster", "invite", "GOV", "--role", "executive")
    neither = cli("roster", "invite")

    assert both.exit_code == neither.exit_code == 1
    assert "by roster id, or give --role" in both.output
    assert "by roster id, or give --role" in neither.output


def test_a_bot_api_that_cannot_be_asked_for_the_username_stops_before_any_code(cli, database_url):
    cli("roster", "import", str(SAMPLE))
    cli("roster", "invite", "GOV")
    before = query(database_url, select(Invite.id, Invite.expires_at))

    result = cli(
        "roster",
        *("invite", "GOV"),
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
    )

    assert result.exit_code == 1
    assert "could not ask the Bot API at TELEGRAM_API_BASE_URL" in result.output
    assert "set TELEGRAM_BOT_USERNAME" in result.output
    assert TEST_TOKEN not in result.output
    assert query(database_url, select(Invite.id, Invite.expires_at)) == before  # still valid


def test_a_sheet_that_cannot_be_written_issues_nothing(cli, database_url, tmp_path):
    cli("roster", "import", str(SAMPLE))

    result = cli("roster", "invite", "--role", "admin", "--out", str(tmp_path / "no" / "x.csv"))

    assert result.exit_code == 1
    assert "no invitation was issued" in result.output
    assert query(database_url, select(Invite.id)) == []

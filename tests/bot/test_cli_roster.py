"""The roster CLI: importing, listing, deactivating and inviting people."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.cli import main
from bot.services.invites import hash_code
from storage.db import Database
from storage.models import AuditAction, AuditEvent, Invite, Person, Role

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

"""The records CLI: a dry run of the retention periods says what would go and changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEvent
from tests.bot import test_cli_roster

# The roster CLI's fixture: `incident-bot` in an empty folder against the test database.
cli = test_cli_roster.cli
query = test_cli_roster.query


def test_records_purge_dry_run_says_what_would_go_and_changes_nothing(cli, database_url):
    before = query(database_url, select(AuditEvent.id))

    shown = cli("records", "purge", "--dry-run", AUDIT_RETENTION_DAYS="1")

    assert shown.exit_code == 0
    assert "audit rows older than 1 days: would remove 0" in shown.output
    assert "files of incidents closed over - days ago: would remove 0" in shown.output
    assert query(database_url, select(AuditEvent.id)) == before

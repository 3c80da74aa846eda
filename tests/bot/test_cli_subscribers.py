"""The subscribers CLI: issuing a CAP feed token shown once and kept only as its digest,
listing without it, revoking at once; every change audited without the token."""

from __future__ import annotations

import re

from sqlalchemy import select

from incidents.sharing.subscribers import token_digest
from storage.models import AuditAction, AuditEvent, Subscriber
from tests.bot import test_cli_roster

# The roster CLI's fixture: `incident-bot` in an empty folder against the test database.
cli = test_cli_roster.cli
query = test_cli_roster.query

TOKEN_RE = re.compile(r"token \(shown once\): (cap_\S+)")


def test_a_feed_token_is_shown_once_kept_as_a_digest_and_revoked(cli, database_url):
    issued = cli("subscribers", "add-feed", "ศูนย์ ปภ. เขต 8")

    assert issued.exit_code == 0
    token = TOKEN_RE.search(issued.output)
    assert token is not None
    (subscriber,) = [row[0] for row in query(database_url, select(Subscriber))]
    assert subscriber.token_sha256 == token_digest(token.group(1))
    assert subscriber.name == "ศูนย์ ปภ. เขต 8"
    listed = cli("subscribers", "list")
    assert "ศูนย์ ปภ. เขต 8" in listed.output and "active" in listed.output
    assert token.group(1) not in listed.output

    revoked = cli("subscribers", "revoke", str(subscriber.id))

    assert revoked.exit_code == 0
    assert "revoked" in cli("subscribers", "list").output
    trail = query(database_url, select(AuditEvent.action, AuditEvent.detail))
    assert [action for action, _ in trail][-2:] == [
        AuditAction.SUBSCRIBER_ADDED,
        AuditAction.SUBSCRIBER_REVOKED,
    ]
    assert token.group(1) not in repr(trail)


def test_an_unknown_subscriber_or_an_empty_name_is_a_one_line_error(cli):
    missing = cli("subscribers", "revoke", "999")
    blank = cli("subscribers", "add-feed", "   ")

    assert missing.exit_code == 1 and "no subscriber with id 999" in missing.output
    assert blank.exit_code == 1 and "name is 1 to 200 characters" in blank.output
    assert "Traceback" not in missing.output + blank.output


def test_a_webhook_is_registered_with_its_events_and_its_secret_shown_once(cli, database_url):
    plain = cli("subscribers", "add-webhook", "ห้องข่าว", "http://127.0.0.1:9/hook")
    added = cli(
        "subscribers",
        "add-webhook",
        "ห้องข่าว",
        "https://news.example/hook",
        "--event",
        "filed",
        "--event",
        "closed",
    )

    assert plain.exit_code == 1 and "https URL" in plain.output
    assert added.exit_code == 0
    secret = re.search(r"signing secret \(shown once\): (whsec_\S+)", added.output)
    assert secret is not None
    listed = cli("subscribers", "list").output
    assert "incident.filed,incident.closed" in listed and "https://news.example/hook" in listed
    assert secret.group(1) not in listed
    trail = query(database_url, select(AuditEvent.detail))
    assert secret.group(1) not in repr(trail)

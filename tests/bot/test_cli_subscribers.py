"""The subscribers CLI: issuing a CAP feed token shown once and kept only as its digest,
listing without it, revoking at once; every change audited without the token."""

from __future__ import annotations

import re

from sqlalchemy import select

from incidents.sharing.subscribers import token_digest
from storage.models import AuditAction, AuditEvent, Subscriber
from tests.bot.test_cli_roster import cli, query  # noqa: F401 - the fixture

TOKEN_RE = re.compile(r"token \(shown once\): (cap_\S+)")


def test_a_feed_token_is_shown_once_kept_as_a_digest_and_revoked(cli, database_url):  # noqa: F811
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


def test_an_unknown_subscriber_or_an_empty_name_is_a_one_line_error(cli):  # noqa: F811
    missing = cli("subscribers", "revoke", "999")
    blank = cli("subscribers", "add-feed", "   ")

    assert missing.exit_code == 1 and "no subscriber with id 999" in missing.output
    assert blank.exit_code == 1 and "name is 1 to 200 characters" in blank.output
    assert "Traceback" not in missing.output + blank.output

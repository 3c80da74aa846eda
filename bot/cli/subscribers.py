"""`incident-bot subscribers`: the other systems the province shares incidents with: readers of
the CAP feed (each with a bearer token) and webhook receivers (each with a signing secret)."""

from __future__ import annotations

import click

from bot.cli import common
from incidents.audit import CLI_ACTOR
from incidents.core import Core
from incidents.sharing import subscribers
from incidents.sharing.subscribers import Issued, SubscriberEntry, SubscriberError
from incidents.thaidate import format_datetime
from storage.models import WebhookEvent


@click.group("subscribers")
def subscribers_group() -> None:
    """Systems that read the CAP feed or receive webhooks."""


def _issue(work: common.Work[Issued]) -> Issued:
    try:
        return common.run(lambda: common.with_core(common.settings(), work))
    except SubscriberError as exc:
        raise click.ClickException(str(exc)) from None


@subscribers_group.command("add-feed")
@click.argument("name")
def add_feed(name: str) -> None:
    """Issue a CAP feed token to NAME (shown once: give it to the reader now)."""
    issued = _issue(lambda core: subscribers.add_feed(core, name, CLI_ACTOR))
    click.echo(f"subscriber {issued.subscriber_id}: {issued.name}")
    click.echo(f"feed: /feeds/cap.atom  token (shown once): {issued.credential}")
    click.echo("the reader sends it as 'Authorization: Bearer <token>'")


@subscribers_group.command("add-webhook")
@click.argument("name")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice([e.value.removeprefix("incident.") for e in WebhookEvent]),
    help="An event to send (repeat for several; every event when none is given).",
)
@click.option("--allow-http", is_flag=True, help="Accept an http:// address (same machine or LAN).")
def add_webhook(name: str, url: str, events: tuple[str, ...], allow_http: bool) -> None:
    """POST the chosen events to URL, signed with a new secret (shown once)."""
    issued = _issue(
        lambda core: subscribers.add_webhook(
            core, name, url, events, CLI_ACTOR, allow_http=allow_http
        )
    )
    click.echo(f"subscriber {issued.subscriber_id}: {issued.name}")
    click.echo(f"signing secret (shown once): {issued.credential}")


@subscribers_group.command("list")
def list_subscribers() -> None:
    """Every subscriber: id, kind, state, since, name, address and events."""
    settings = common.settings()
    found: list[SubscriberEntry] = common.run(
        lambda: common.with_core(settings, subscribers.listing)
    )
    for entry in found:
        state = "revoked" if entry.revoked_at else "active"
        since = format_datetime(entry.created_at, settings.tz)
        events = ",".join(entry.events) or "-"
        click.echo(
            f"{entry.subscriber_id}\t{entry.kind.value}\t{state}\t{since}\t{entry.name}"
            f"\t{entry.url or '-'}\t{events}"
        )


@subscribers_group.command("revoke")
@click.argument("subscriber_id", type=int)
def revoke(subscriber_id: int) -> None:
    """Revoke a subscriber at once: its token reads nothing more, nothing more is sent."""

    async def work(core: Core) -> str:
        return await subscribers.revoke(core, subscriber_id, CLI_ACTOR)

    try:
        name = common.run(lambda: common.with_core(common.settings(), work))
    except SubscriberError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"subscriber {subscriber_id} revoked: {name}")

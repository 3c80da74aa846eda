"""`incident-bot run`: the bot and the web log until a signal stops them."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

import click

from bot import heap, logs
from bot.app import serve
from bot.cli import common

# Operators know the command line's log lines by this name (it was one module before).
log = logging.getLogger("bot.cli")


@click.command()
def run() -> None:
    """Run the bot (and apply migrations first)."""
    settings = common.settings()
    logs.configure(settings.log_level)
    run_until_signalled(lambda stop: serve(settings, stop))


def run_until_signalled(work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Do `work` until its stop event is set by SIGINT or SIGTERM; an unexpected error is
    logged (redacted, as every line) and exits with 1."""

    async def _serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _on_signal, sig, stop)
        try:
            await work(stop)
        finally:
            await _cancel_leftovers()

    heap.settle()
    try:
        common.run(_serve)
    except click.ClickException:
        raise
    except Exception:
        # Through the log, so the traceback is redacted like every other line.
        log.exception("stopped by an unexpected error")
        sys.exit(1)
    log.info("stopped")


def _on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    """Stop cleanly on the first SIGINT or SIGTERM, whatever the phase; at once on a second."""
    if stop.is_set():
        log.warning("%s again while stopping: exiting at once", sig.name)
        logging.shutdown()
        os._exit(128 + sig.value)
    log.info("%s received: stopping", sig.name)
    stop.set()


async def _cancel_leftovers(grace: float = 10.0) -> None:
    """Cancel tasks still running after shutdown, so a stuck one cannot hold the exit."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    if not leftovers:
        return
    for task in leftovers:
        log.warning("task still running at shutdown: %s", task.get_coro())
        task.cancel()
    _, pending = await asyncio.wait(leftovers, timeout=grace)
    if pending:
        log.error("%d task(s) ignored cancellation; exiting anyway", len(pending))
        logging.shutdown()
        os._exit(0)

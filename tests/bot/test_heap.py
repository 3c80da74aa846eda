"""The program settles its heap once before serving (bot/heap.py)."""

from __future__ import annotations

import asyncio
import gc

from bot.cli.serve import run_until_signalled


def test_the_long_lived_heap_is_frozen_before_the_work_starts() -> None:
    seen: list[tuple[int, int]] = []

    async def work(stop: asyncio.Event) -> None:
        seen.append((gc.get_freeze_count(), len(gc.get_objects(generation=2))))

    gc.unfreeze()
    try:
        run_until_signalled(work)
    finally:
        gc.unfreeze()  # this test process builds and drops applications: nothing stays frozen
    [(frozen, left)] = seen
    # Everything the imports made is permanent (garbage collected first); the full
    # collections walk only what is new.
    assert frozen > 100_000 and frozen > 10 * left

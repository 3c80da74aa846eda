"""The long-lived part of the process's heap, kept out of the cyclic garbage collector's way.

Everything imported at start (python-telegram-bot, the LINE SDK's models, SQLAlchemy, pydantic,
Starlette, Jinja) is a quarter of a million objects that live as long as the process. CPython's
full collection walks every one of them each time: about 130 ms on these machines, once every
seven statistics pages or so, which was the whole of that page's p95 (docs/benchmarks.md).
Moving them to the permanent generation once, before serving, leaves the collector only what
the process made since.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what start-up left behind, then freeze the rest as permanent.

    Call once per process, after the imports and before serving: objects frozen are never
    collected as cycles again (they are still freed when nothing refers to them), so it is
    for what lives until exit, not for a test run that builds and drops many applications.
    """
    gc.collect()
    gc.freeze()

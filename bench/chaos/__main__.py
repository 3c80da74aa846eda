"""`python -m bench.chaos`: run the chaos once, print the figures, fail on a broken threshold."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.chaos.run import Options, run


def main() -> int:
    parser = argparse.ArgumentParser(description="The chaos run of issue 12")
    parser.add_argument("--reporters", type=int, default=20)
    parser.add_argument("--reports", type=int, default=60)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--executives", type=int, default=5)
    parser.add_argument(
        "--line-executives",
        type=int,
        default=1,
        help="of the executives, how many are on LINE only (the fake LINE Platform, faulted "
        "at the same rate); 0: Telegram only",
    )
    parser.add_argument("--database-url", default="", help="SQLite in a temporary folder if unset")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--patience", type=float, default=30.0)
    parser.add_argument("--attempts", type=int, default=6, help="tries per report")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    options = Options(
        reporters=args.reporters,
        reports=args.reports,
        kills=args.kills,
        fault_rate=args.fault_rate,
        executives=args.executives,
        line_executives=min(args.line_executives, args.executives),
        database_url=args.database_url,
        seed=args.seed,
        patience=args.patience,
        attempts=args.attempts,
    )
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(options, Path(tmp)))
    backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(
        f"chaos run, {backend}: {args.reporters} reporters, {args.reports} reports, "
        f"{args.executives} executives ({options.line_executives} on LINE), {args.kills} kills, "
        f"fault rate {args.fault_rate}"
    )
    for line in figures.lines():
        print(line)
    broken = figures.failures()
    for reason in broken:
        print(f"THRESHOLD BROKEN: {reason}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

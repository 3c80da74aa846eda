#!/usr/bin/env bash
# Set up (first time) and run the web log benchmark: 100,000 generated incidents on SQLite,
# p50/p95/p99 of the list, a Thai substring search, an incident page and the statistics page.
# Extra arguments go to the script, e.g. ./scripts/bench-web.sh --incidents 20000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh dev
exec .venv/bin/python -m bench.web_load "$@"

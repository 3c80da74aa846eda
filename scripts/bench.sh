#!/usr/bin/env bash
# Set up (first time) and run the alert-latency benchmark; extra arguments go to the script,
# e.g. ./scripts/bench.sh --sequential 50 --database-url postgresql+asyncpg://postgres@127.0.0.1/test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh dev
exec .venv/bin/python -m bench.alert_latency "$@"

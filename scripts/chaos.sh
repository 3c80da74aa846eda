#!/usr/bin/env bash
# Set up (first time) and run the chaos run of issue 12 (with one executive on LINE only, issue
# 13, unless --line-executives says otherwise); extra arguments go to the script, e.g.
# ./scripts/chaos.sh --reporters 20 --reports 60 --kills 10 --fault-rate 0.2 \
#     --database-url postgresql+asyncpg://postgres@127.0.0.1/chaos
# Prints the figures; exits 1 when one breaks the issue's "Done when" thresholds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh dev
exec .venv/bin/python -m bench.chaos "$@"

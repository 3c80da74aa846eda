#!/usr/bin/env bash
# Set up (first time) and run the test suite: on SQLite always, and on PostgreSQL as well
# when TEST_DATABASE_URL names a database (e.g. postgresql+asyncpg://postgres@127.0.0.1/test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh dev
# Headless Chromium and a Thai font for the web log's browser test (skipped without them).
bash scripts/setup-browser.sh
# Two workers (pytest-xdist): most tests wait on loopback servers, so two run side by side on
# two cores in about two thirds of the time; TEST_WORKERS=0 runs them in this one process.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"

#!/usr/bin/env bash
# Set up (first time) and run the bot and web log; settings come from .env or the environment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh run
exec .venv/bin/incident-bot run "$@"

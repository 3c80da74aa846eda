#!/usr/bin/env bash
# Set up (first time) and run the product; settings come from .env or the environment.
# With no TELEGRAM_BOT_TOKEN configured it runs the sandbox (a simulated Telegram, phones in
# the browser, data in data/sandbox); with one, the live bot and web log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh run

token="${TELEGRAM_BOT_TOKEN:-}"
if [[ -z "$token" && -f .env ]]; then
  # The last assignment in .env wins, as for the program; quotes and spaces do not count.
  token="$(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}TELEGRAM_BOT_TOKEN[[:space:]]*=//p' .env \
    | tail -n 1 | sed 's/[[:space:]]#.*$//' | tr -d "\"' \t\r")"
fi
if [[ -z "$token" ]]; then
  exec .venv/bin/incident-bot sandbox "$@"
fi
exec .venv/bin/incident-bot run "$@"

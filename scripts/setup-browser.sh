#!/usr/bin/env bash
# Install what the browser test needs from Debian: headless Chromium and a Thai font (without
# one, Thai renders as empty boxes in screenshots). Quick when both are there already; never
# fatal: without apt (or root) it says why, and the browser test then skips with that reason.
set -uo pipefail

have_all() {
  [ -x /usr/bin/chromium ] && fc-list :lang=th family 2>/dev/null | grep -q .
}

if have_all; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: apt-get not found; install Chromium and a Thai font by hand" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-browser: not root; run: sudo apt-get install -y chromium fonts-thai-tlwg" >&2
  exit 0
fi
echo "installing chromium and fonts-thai-tlwg for the browser test ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq \
    chromium fonts-thai-tlwg fontconfig >/dev/null; }; then
  echo "setup-browser: apt-get could not install chromium and fonts-thai-tlwg" >&2
  exit 0
fi
fc-cache -f >/dev/null 2>&1 || true
have_all || echo "setup-browser: installed, but chromium or a Thai font is still missing" >&2
exit 0

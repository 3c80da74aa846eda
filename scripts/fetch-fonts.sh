#!/usr/bin/env bash
# Fetch the Sarabun font files the web log ships (web/static/fonts/) again from the npm
# registry's @fontsource/sarabun, and check them against web/static/fonts/SHA256SUMS.
# Sarabun is the Thai government's standard typeface, under the SIL Open Font License 1.1
# (web/static/fonts/OFL.txt). Only the Thai and Latin subsets, regular and bold, are kept.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=5.3.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@fontsource/sarabun@${VERSION}" >/dev/null && tar xzf fontsource-sarabun-*.tgz)
for name in thai-400 thai-700 latin-400 latin-700; do
  cp "$work/package/files/sarabun-${name}-normal.woff2" web/static/fonts/
done
cp "$work/package/LICENSE" web/static/fonts/OFL.txt
(cd web/static/fonts && sha256sum --check --quiet SHA256SUMS)
echo "Sarabun ${VERSION}: fonts in web/static/fonts match SHA256SUMS"

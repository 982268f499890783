#!/usr/bin/env bash
# Starts vanban for the e2e journeys on a fresh data directory, removed when the server stops.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${VANBAN_BIN:-$here/../target/debug/vanban}"
data="$(mktemp -d /tmp/vanban-e2e.XXXXXX)"
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT INT TERM
"$bin" serve --addr "127.0.0.1:${VANBAN_E2E_PORT:-18080}" --data-dir "$data" \
  --static-dir "$here/../frontend/dist" --seed-demo-if-empty &
pid=$!
wait "$pid"

#!/usr/bin/env bash
# edXML packets (issue 16): a packet with a 5 MiB attachment built and parsed per second, and the peak memory of
# the whole run (GNU time's maximum resident set size). Usage: scripts/bench-edxml.sh [MiB] [seconds]
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
apt_ensure time
cargo build --release -p edxml --example bench --quiet
/usr/bin/time -v target/release/examples/bench "${1:-5}" "${2:-5}" 2> /tmp/vanban-bench-edxml.time
grep -E "Maximum resident set size|Elapsed" /tmp/vanban-bench-edxml.time | sed 's/^\s*/   /'

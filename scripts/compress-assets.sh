#!/usr/bin/env bash
# Writes .br and .gz beside every text/WASM asset of a built frontend, so the server sends them as they are.
set -euo pipefail
dir="${1:?usage: compress-assets.sh DIST_DIR}"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \
  -o -name '*.json' -o -name '*.txt' \) | while read -r f; do
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -9 -k -n "$f"
done

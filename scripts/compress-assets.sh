#!/usr/bin/env bash
# Writes .br and .gz beside every text/WASM asset of a built frontend, so the server sends them as they are.
# Brotli at quality 11 is most of the time (about 40 s for the four WASM bundles on one core): the files are
# compressed side by side, the largest first, so the last one to finish is a small one.
set -euo pipefail
dir="${1:?usage: compress-assets.sh DIST_DIR}"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \
  -o -name '*.json' -o -name '*.txt' \) -printf '%s\t%p\0' | sort -z -rn | cut -z -f2- |
  xargs -0 -r -n 1 -P "$(nproc)" sh -c 'brotli -f -q 11 -o "$1.br" "$1" && gzip -f -9 -k -n "$1"' compress

#!/usr/bin/env bash
# Installs what the PDF "judges" need, only when missing: Debian's poppler-utils (pdfsig, pdfinfo)
# and qpdf, and a Python venv with pyHanko and openpyxl pinned in requirements.txt.
# The venv lives at ${VANBAN_JUDGES_VENV:-$HOME/.cache/vanban/judges-venv}.
# Idempotent; the last line printed is the venv's python path (tests read it).
source "$(dirname "$0")/../lib.sh"

JUDGES="$ROOT/scripts/judges"
VENV="${VANBAN_JUDGES_VENV:-$HOME/.cache/vanban/judges-venv}"
REQ="$JUDGES/requirements.txt"

{
  apt_ensure poppler-utils qpdf ghostscript

  # The stamp holds a hash of requirements.txt: a changed pin reinstalls.
  want="$(sha256sum "$REQ" | cut -d' ' -f1)"
  stamp="$VENV/.vanban-requirements.sha256"
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
     ! "$VENV/bin/python" -c 'import pyhanko, pyhanko_certvalidator, openpyxl' 2>/dev/null; then
    say "Tạo môi trường Python cho trọng tài PDF: $VENV"
    mkdir -p "$(dirname "$VENV")"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ"
    echo "$want" > "$stamp"
  fi
} >&2

echo "$VENV/bin/python"

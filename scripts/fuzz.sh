#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 13) of the parsers that read what outsiders send: the PDF reader, the
# active-content scanner, the CMS parser and verifier, PKCS#12 import, the shared validators and the edXML
# packet parser (issue 16). afl.rs on the
# stable toolchain (no nightly: no CmpLog, see fuzz/dict/); each target runs alone, at the lowest priority.
# Prints executions, corpus and coverage per target and fails when any target crashed; each crash must then
# become a file in fuzz/regressions/<target>/ (replayed by `make test`, shared/tests/fuzz_regressions.rs).
# Usage: scripts/fuzz.sh [seconds_per_target] [target...]   (default 600 s, every target; part of `make bench`)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(pdf_reader active_content cms pkcs12 validators edxml)
CARGO_AFL_VERSION="0.18.2"
FUZZ="$ROOT/fuzz"
OUT="$FUZZ/out"

if ! cargo afl --version 2>/dev/null | grep -q "cargo-afl $CARGO_AFL_VERSION"; then
  say "Cài cargo-afl $CARGO_AFL_VERSION (dựng cả AFL++, vài phút)"
  nice -n 19 cargo install "cargo-afl@$CARGO_AFL_VERSION" --locked
fi
# AFL++'s runtime for this rustc (installing cargo-afl builds it; a newer rustc needs it built again).
if ! config_out="$(nice -n 19 cargo afl config --build 2>&1)"; then
  grep -q "already built" <<<"$config_out" || { echo "$config_out" >&2; exit 1; }
fi

say "Dựng các đích fuzz (cargo afl build --release, fuzz/target)"
# The fuzz crate is a workspace of its own; starting from the main lock file, `shared` and its dependencies are
# the versions the product is built with, whatever has changed since.
cp Cargo.lock "$FUZZ/Cargo.lock"
(cd "$FUZZ" && nice -n 19 cargo afl build --release --quiet)

# The starting inputs of a target: its committed seeds, plus the small files of the PDF corpus for the PDF ones.
seed_dir() {
  local target="$1" dir="$OUT/$1/in"
  rm -rf "$dir"; mkdir -p "$dir"
  case "$target" in
    pdf_reader | active_content)
      cp "$FUZZ"/seeds/pdf/* "$dir"/
      find shared/tests/corpus -maxdepth 2 -name '*.pdf' -size -8k -size +0 -exec cp {} "$dir"/ \;
      ;;
    cms)
      # Also the small files of the differential corpus (BER, EdDSA, legacy, timestamps) and every CMS in it.
      cp "$FUZZ"/seeds/cms/* "$dir"/
      find shared/tests/corpus/differential -name '*.pdf' -size -8k -exec cp {} "$dir"/ \;
      python3 "$FUZZ/extract_cms.py" "$dir" shared/tests/corpus/differential/*.pdf
      ;;
    *) cp "$FUZZ/seeds/$target"/* "$dir"/ ;;
  esac
}

dict_of() {
  case "$1" in
    pdf_reader | active_content | cms) echo "-x $FUZZ/dict/pdf.dict" ;;
    validators) echo "-x $FUZZ/dict/json.dict" ;;
    edxml) echo "-x $FUZZ/dict/edxml.dict" ;;
  esac
}

stat_of() { awk -F' *: *' -v k="$2" '$1 == k { print $2 }' "$1"; }

failed=0
report=()
for target in "${TARGETS[@]}"; do
  say "Fuzz $target: ${SECONDS_PER_TARGET}s"
  seed_dir "$target"
  rm -rf "$OUT/$target/afl"
  # -m 2048: an input that makes the parser allocate gigabytes is a finding, not a reason to swap.
  # shellcheck disable=SC2046
  AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
    AFL_FAST_CAL=1 \
    nice -n 19 cargo afl fuzz -i "$OUT/$target/in" -o "$OUT/$target/afl" -V "$SECONDS_PER_TARGET" \
    -m 2048 -t 1000 $(dict_of "$target") -- "$FUZZ/target/release/$target" >"$OUT/$target/afl.log" 2>&1 ||
    { tail -30 "$OUT/$target/afl.log" >&2; echo "afl-fuzz failed for $target" >&2; exit 1; }
  stats="$OUT/$target/afl/default/fuzzer_stats"
  crashes="$(stat_of "$stats" saved_crashes)"
  hangs="$(stat_of "$stats" saved_hangs)"
  report+=("$(printf '%-15s %12s %9s %8s %14s %8s %8s %6s' "$target" "$(stat_of "$stats" execs_done)" \
    "$(stat_of "$stats" execs_per_sec)" "$(stat_of "$stats" corpus_count)" \
    "$(stat_of "$stats" edges_found)/$(stat_of "$stats" total_edges)" "$(stat_of "$stats" bitmap_cvg)" \
    "$crashes" "$hangs")")
  if [ "${crashes:-0}" -gt 0 ]; then
    failed=1
    echo "   $crashes crash(es) in $OUT/$target/afl/default/crashes/" >&2
  fi
  [ "${hangs:-0}" -eq 0 ] || echo "   $hangs input(s) ran over 1 s: $OUT/$target/afl/default/hangs/" >&2
done

say "Kết quả fuzz (${SECONDS_PER_TARGET}s mỗi đích)"
printf '%-15s %12s %9s %8s %14s %8s %8s %6s\n' target execs execs/s corpus edges bitmap crashes hangs
printf '%s\n' "${report[@]}"
if [ "$failed" -ne 0 ]; then
  echo "Có đích fuzz bị lỗi: thu nhỏ (cargo afl tmin), thêm vào fuzz/regressions/<đích>/ rồi sửa." >&2
  exit 1
fi

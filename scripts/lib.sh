# Shared helpers for the scripts: logging and "install only what is missing".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "cần quyền root để cài: $*" >&2; return 1; fi
}

# apt_ensure PKG... : installs the Debian packages that are not installed yet.
apt_ensure() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Cài gói Debian: ${missing[*]}"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    say "Cài target wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  [ -n "$want" ] || { echo "wasm-bindgen not found in Cargo.lock" >&2; return 1; }
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$\| $want "; then
    say "Cài wasm-bindgen-cli $want (vài phút)"
    # --force: cargo skips a version it recorded as installed even when the binary is gone.
    # Built at opt-level 0 without LTO: 81 CPU-seconds here against about 250 at opt-level 1 and far more in its
    # own release profile, for a tool that then spends 4.7 s instead of 1.4 s on our four bundles (BENCHMARKS).
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --force "wasm-bindgen-cli@$want"
  fi
}

# Everything needed to build the frontend (no trunk: scripts/build-frontend.sh does its part).
ensure_frontend_tools() {
  apt_ensure brotli gzip
  ensure_wasm_target
  ensure_wasm_bindgen
}

# Builds the frontend in release mode into frontend/dist, precompressed (the script installs its own tools).
build_frontend() {
  apt_ensure brotli gzip
  "$ROOT/scripts/build-frontend.sh"
}

# Garage, the S3-compatible object store the blob-store tests run against (issue 18). Built from crates.io
# without the features the tests do not use (metrics, SQLite, K2V): about 9 minutes on 2 cores, once.
GARAGE_VERSION="2.5.0"
ensure_garage() {
  if ! garage --version 2>/dev/null | grep -q ":$GARAGE_VERSION "; then
    say "Cài Garage $GARAGE_VERSION (kho đối tượng S3 cho kiểm thử; khoảng 9 phút, một lần)"
    cargo install garage --version "$GARAGE_VERSION" --locked --no-default-features --features bundled-libs,lmdb
  fi
}

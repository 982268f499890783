#!/usr/bin/env bash
# Builds the browser bundles into frontend/dist, as trunk did, without trunk (compiling trunk cost a fresh
# machine 7.6 of its 22 minutes; docs/BENCHMARKS.md, issue 18). What it writes, and who relies on it:
#   index.html                    the app's page: its CSS, and the inline module script starting the app (the
#                                 server pins that script in its Content-Security-Policy, backend/src/assets.rs)
#   frontend-HASH.js, _bg.wasm    the app (sign-in, shell, home, administration's layout)
#   work_ui_loader.js             the work bundle's loader, injected by the app's work routes
#                                 (frontend/src/pages/signing.rs, LOADER), ES module of work_ui-HASH.js/.wasm
#   vanban_render_loader.js       the render worker (hayro and the PDF reader): drawing pages, inspecting a file
#   vanban_worker_loader.js       the signing worker (the signing core, the keys): classic worker scripts
#                                 (work-ui/src/worker.rs starts both by these names)
#   app-HASH.css                  the app's styles in one file, linked from index.html
#   signing.css, work.css, …      the work pages' styles, copied as they are: the app links them by these names
#                                 when it loads the work bundle (WORK_STYLES in frontend/src/pages/signing.rs)
# HASH is the first 16 hex digits of the SHA-256 of what the file holds, so the server may cache those files
# for a year (assets.rs, is_hashed_asset). No wasm-opt: Debian's binaryen 108 corrupts wasm-bindgen 0.2.130's
# output, and it saved under 1 % brotli after opt-level "z" and LTO.
source "$(dirname "$0")/lib.sh"
# A command that fails inside `$(…)` (bindgen below) fails the build too; bash leaves errexit off there
# otherwise, and a missing wasm-bindgen once let this script report a 216 KB bundle with no app in it.
shopt -s inherit_errexit
cd "$ROOT"

dist="$ROOT/frontend/dist"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
wasm_dir="$target/wasm32-unknown-unknown/wasm-release"
# Built beside dist and swapped in at the end, so a server reading dist never sees half a build.
mkdir -p "$target"
stage="$(mktemp -d "$target/dist-stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

# The tools: the wasm32 target before the build, which needs it; the wasm-bindgen CLI beside the build, which
# needs it only at the end. On a fresh machine its install then overlaps the WASM compile instead of holding
# the whole browser side back (docs/BENCHMARKS.md, issue 18).
ensure_wasm_target
ensure_wasm_bindgen &
bindgen_tool=$!
trap 'rm -rf "$stage"; kill "$bindgen_tool" 2>/dev/null || true' EXIT

# The app's styles, in the order they cascade: one file (one request, one compression context).
APP_STYLES=(tokens main buttons forms feedback shell auth table pages)
# The work pages' styles (WORK_STYLES): copied unhashed.
WORK_STYLES=(signing work document dashboard incoming dialog)

short_hash() { cat "$@" | sha256sum | cut -c1-16; }

# Comments and indentation out of a style sheet: ~20 % of our CSS, ~1 KB brotli on the sign-in page.
minify_css() { perl -0pe 's{/\*.*?\*/}{}gs; s/^\s+//mg; s/\s*\n+/\n/g' "$1"; }

# One cargo run for the four binaries: their common crates (leptos, serde, shared) compile once, and the
# final links (LTO, one codegen unit each: single-threaded) run side by side on two cores.
# `--cfg erase_components` makes Leptos type-erase each component's view (AnyView) instead of building one
# type, and so one copy of the rendering code, per nesting of views: the work bundle is 23 % smaller brotli
# (930 → 717 KB), the app 9 % (249 → 226 KB) (docs/BENCHMARKS.md, issue 18).
say "Dựng WASM: ứng dụng, gói công việc, hai worker (cargo --profile wasm-release)"
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components" cargo build --target wasm32-unknown-unknown --profile wasm-release \
  -p frontend --bin frontend -p work-ui --bin work_ui -p worker --bin vanban_worker --bin vanban_render

# bindgen NAME TARGET: the wasm-bindgen glue of one binary, written as NAME-HASH.js and NAME-HASH_bg.wasm;
# prints HASH.
bindgen() {
  local name="$1" target="$2" out="$stage/bindgen/$1" hash
  wasm-bindgen --target "$target" --no-typescript --out-dir "$out" --out-name "$name" "$wasm_dir/$name.wasm"
  hash="$(short_hash "$out/$name.js" "$out/${name}_bg.wasm")"
  mv "$out/$name.js" "$stage/$name-$hash.js"
  mv "$out/${name}_bg.wasm" "$stage/$name-${hash}_bg.wasm"
  echo "$hash"
}

wait "$bindgen_tool" || { echo "Cài wasm-bindgen-cli thất bại (xem thông báo ở trên)." >&2; exit 1; }
say "wasm-bindgen"
app="$(bindgen frontend web)"
work="$(bindgen work_ui web)"
signer="$(bindgen vanban_worker no-modules)"
render="$(bindgen vanban_render no-modules)"
rm -rf "$stage/bindgen"

# The work bundle is an ES module started by its loader; the workers are classic scripts (a module worker
# cannot use importScripts, and wasm-bindgen's no-modules glue defines the global `wasm_bindgen`).
cat >"$stage/work_ui_loader.js" <<EOF
import init from "/work_ui-$work.js";
await init({ module_or_path: "/work_ui-${work}_bg.wasm" });
EOF
for w in "vanban_worker:$signer" "vanban_render:$render"; do
  name="${w%%:*}" hash="${w#*:}"
  cat >"$stage/${name}_loader.js" <<EOF
importScripts("/$name-$hash.js");
wasm_bindgen({ module_or_path: "/$name-${hash}_bg.wasm" });
EOF
done

for s in "${APP_STYLES[@]}"; do minify_css "style/$s.css"; done >"$stage/app.css"
styles="$(short_hash "$stage/app.css")"
mv "$stage/app.css" "$stage/app-$styles.css"
for s in "${WORK_STYLES[@]}"; do cp "style/$s.css" "$stage/$s.css"; done

# index.html: frontend/index.html with the app's styles, its preloads and the script that starts it put where
# the template says (the marker comment).
start="import init from '/frontend-$app.js'; await init({ module_or_path: '/frontend-${app}_bg.wasm' });"
head="    <link rel=\"stylesheet\" href=\"/app-$styles.css\" />"$'\n'
head+="    <link rel=\"modulepreload\" href=\"/frontend-$app.js\" crossorigin=\"anonymous\" />"$'\n'
head+="    <link rel=\"preload\" href=\"/frontend-${app}_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\" />"$'\n'
head+="    <script type=\"module\">$start</script>"
grep -q '<!-- BUNDLES -->' frontend/index.html || { echo "frontend/index.html: no <!-- BUNDLES --> marker" >&2; exit 1; }
HEAD="$head" perl -pe 's/^\s*<!-- BUNDLES -->\n/$ENV{HEAD}\n/' frontend/index.html >"$stage/index.html"
# The template's comments are for its readers, not for every visitor.
perl -0pi -e 's/\s*<!--.*?-->//gs' "$stage/index.html"

"$ROOT/scripts/compress-assets.sh" "$stage"
rm -rf "$dist.old"
[ -d "$dist" ] && mv "$dist" "$dist.old"
mv "$stage" "$dist"
rm -rf "$dist.old"
trap - EXIT
say "Giao diện đã dựng vào frontend/dist ($(du -sh "$dist" | cut -f1))"

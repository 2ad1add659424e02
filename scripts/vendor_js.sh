#!/usr/bin/env bash
# Vendor the three scripts bertviz needs, so its views draw without internet.
#
# bertviz 1.4.1 loads require.js 2.3.6, d3 5.7.0 and jquery 2.0.0 from cdnjs. We fetch the same
# libraries from the npm registry (jquery 2.0.0 is not on npm; 2.1.4 is API-compatible for bertviz)
# with `npm pack` (the tarball only: no dependencies, no install scripts; npm checks each tarball's
# integrity hash), unpack them under .cache/npm/ and copy the browser builds to static/vendor/,
# which Streamlit serves at /app/static/vendor/. Both folders are git-ignored: nothing is committed.
#
# Never fails the build: without npm or network it prints a note; the app then leaves the bertviz views out
# and says on the page how to install the scripts (it never loads them from a CDN). core/transformer/vendor.py
# knows the file names below.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache/npm"
DEST="$ROOT/static/vendor"
PKGS=(requirejs@2.3.6 d3@5.7.0 jquery@2.1.4)
# tarball -> file inside it -> name under static/vendor/
FILES=(
  "requirejs-2.3.6.tgz package/require.js require.js"
  "d3-5.7.0.tgz package/dist/d3.min.js d3.min.js"
  "jquery-2.1.4.tgz package/dist/jquery.min.js jquery.min.js"
)

note() { echo "vendor_js: $*" >&2; }

all_present() {
  for entry in "${FILES[@]}"; do
    set -- $entry
    [ -s "$DEST/$3" ] || return 1
  done
}

if all_present; then
  echo "vendor_js: scripts already in static/vendor/"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  note "npm not found: the bertviz views are left out until the scripts are installed (the page says so)."
  exit 0
fi
mkdir -p "$CACHE" "$DEST"
if ! (cd "$CACHE" && timeout 180 npm pack "${PKGS[@]}" --silent >/dev/null 2>"$CACHE/npm-pack.log"); then
  note "npm pack failed (offline?), see $CACHE/npm-pack.log: the bertviz views are left out."
  exit 0
fi
for entry in "${FILES[@]}"; do
  set -- $entry
  tmp="$(mktemp -d)"
  if tar -xzf "$CACHE/$1" -C "$tmp" "$2" 2>/dev/null && [ -s "$tmp/$2" ]; then
    cp "$tmp/$2" "$DEST/$3"
  else
    note "could not unpack $2 from $1: the bertviz views are left out."
  fi
  rm -rf "$tmp"
done
all_present && echo "vendor_js: require.js, d3.min.js, jquery.min.js copied to static/vendor/"
exit 0

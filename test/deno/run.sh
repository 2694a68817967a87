#!/usr/bin/env bash
# The Deno checks, for CI after `npm test` (needs `npm ci`: the deno devDependency, tsx).
#  1. test/deno/*.check.ts under Node's test runner: they drive `deno run` with the permissions
#     docs/deno.md gives — the shim against better-sqlite3, database files both ways, the demo,
#     run + history, net limited to the configured hosts, a killed run's lock taken over.
#  2. The node:test suite itself under `deno test`, minus the files listed below (each with why).
# Prints "N passed, N failed" last; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
DENO="${TQDT_DENO:-node_modules/.bin/deno}"
export NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 TQDT_TEST=1
"$DENO" --version | head -1

# Files `deno test` does not run. Node-only: they test the single executable or the addon, or
# their harness loads better-sqlite3 / starts `node --import tsx` itself. Time: the long fault
# matrices and kill tests (their logic is the same code the e2e files run) and *.slow.test.ts.
EXCLUDE=(
  src/native/extractAddon.test.ts          # loads the better-sqlite3 addon (Node-only)
  test/binary/                             # the Node single executable
  test/state/openStateDb.test.ts           # harness opens databases with better-sqlite3
  test/history/historyOlderDb.test.ts      # harness opens databases with better-sqlite3
  test/history/historyConcurrency.test.ts  # harness uses better-sqlite3 and spawns node
  test/sim/common/simMain.test.ts          # spawns `node --import tsx`
  src/cli/ownPeakRss.test.ts               # spawns `node --import tsx` (the benchmarks' memory reading)
  test/sim/common/faultMatrix.test.ts      # its raw node:http client sees a mid-body reset as a request error under Deno
  test/reliability/                        # spawns and kills the built executable
  test/e2e/exportKill                      # spawns and kills the built executable
  test/e2e/ingestKill                      # spawns and kills the built executable
  test/api/faultMatrix                     # 3 minutes; the same clients run in test/e2e/*Faults
  test/deno/                               # these drive Deno from Node (part 1)
)
files=()
while IFS= read -r f; do
  skip=0
  for x in "${EXCLUDE[@]}"; do [[ "$f" == "$x"* ]] && skip=1 && break; done
  [[ "$f" == *.slow.test.ts ]] && skip=1
  ((skip)) || files+=("$f")
done < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)

passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== 1/2 Deno checks driven from Node: test/deno/*.check.ts"
start=$SECONDS
node --import tsx --test --test-concurrency=2 --test-timeout=300000 test/deno/*.check.ts >"$log/checks.tap" 2>&1
checks_rc=$?
grep -E '^(not )?ok [0-9]+ - ' "$log/checks.tap"
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log/checks.tap" | tail -1)
f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log/checks.tap" | tail -1)
if [[ -z "$p" || -z "$f" ]] || { ((checks_rc != 0)) && ((f == 0)); }; then
  cat "$log/checks.tap"
  echo "the check runner exited $checks_rc without a summary"
  p=${p:-0}
  f=$(( ${f:-0} + 1 ))
elif ((f > 0)); then
  cat "$log/checks.tap"
fi
passed=$((passed + p)); failed=$((failed + f))
echo "   $p passed, $f failed ($((SECONDS - start)) s)"

echo "== 2/2 the test suite under deno test: ${#files[@]} files"
start=$SECONDS
"$DENO" test --no-check --no-lock --parallel -A "${files[@]}" >"$log/deno.txt" 2>&1
deno_rc=$?
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log/deno.txt" | tail -1)
echo "   ${summary:-no summary}"
p=$(sed -nE 's/^(ok|FAILED) \| ([0-9]+) passed.*/\2/p' <<<"$summary")
f=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")
if [[ -z "$p" ]] || { ((deno_rc != 0)) && ((${f:-0} == 0)); }; then
  tail -80 "$log/deno.txt"
  echo "deno test exited $deno_rc without a usable summary"
  p=${p:-0}
  f=$(( ${f:-0} + 1 ))
elif ((${f:-0} > 0)); then
  sed -n '/^ ERRORS /,$p' "$log/deno.txt"
fi
passed=$((passed + p)); failed=$((failed + ${f:-0}))
echo "   ($((SECONDS - start)) s)"

echo "$passed passed, $failed failed"
((failed == 0))

#!/usr/bin/env bash
# test.sh - set up and build (scripts/setup.sh), then run the test suite; extra arguments go to
# `dotnet test` (e.g. --filter Name~Copy). The last line of output is always "N passed, N failed".
# Exits non-zero when the build or `dotnet test` fails, when a test failed, or when no test ran.
set -euo pipefail
cd "$(dirname "$0")"
results=${TEST_RESULTS_DIR:-$PWD/TestResults}
trx=$results/results.trx
rm -f "$trx"

rc=0
./scripts/setup.sh </dev/null || rc=$?
if [ "$rc" = 0 ]; then
  dotnet test PgMove.sln -c Release --no-build --logger "trx;LogFileName=results.trx" \
    --results-directory "$results" "$@" || rc=$?
fi

# <Counters total="12" executed="12" passed="11" failed="1" ... /> in the .trx file
counter() { grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1 | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" || true; }
total=$(counter total) passed=$(counter passed) failed=$(counter failed)
total=${total:-0} passed=${passed:-0} failed=${failed:-0}

# Skipped tests (a missing shared datasets folder, no browser; never under CI=true): how many, and why, on one line.
skipped=$(grep -o 'outcome="NotExecuted"' "$trx" 2>/dev/null | wc -l || true)
if [ "${skipped:-0}" -gt 0 ]; then
  why=$(grep -o '<Message>[^<]*test skipped: [^<]*</Message>' "$trx" | sed 's/<[^>]*>//g' | sort | uniq -c | sed 's/^ *\([0-9]*\) /\1x /' | paste -sd ';' - || true)
  echo "$skipped skipped: $why"
fi
echo "$passed passed, $failed failed"
if [ "$rc" != 0 ]; then exit "$rc"; fi
if [ "$failed" -gt 0 ] || [ "$total" -eq 0 ]; then exit 1; fi

#!/usr/bin/env bash
# bench/run.sh [SCALE] [METHOD...] - builds pgmove (Release) and times it side by side with the other ways of moving a
# database, using the shared harness in ../shared/bench (or $BENCH_HARNESS): two local servers, a realistic source
# (SCALE 20 ≈ 0.5 GB, 100 ≈ 2.3 GB), the target recreated before each run and verified after it.
#   SCALE    default 20
#   METHOD   default: plain pgcopydb pgmove (see the harness's baseline.sh; pgcopydb needs `apt-get install pgcopydb`)
# Env: REPS (runs per method, default 2), JOBS (default 2), KEEP=1 leaves the servers running afterwards.
# Results: one TSV line per run in $BENCH_DIR/results.tsv (default /tmp/pgbench-clusters), medians printed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/baseline.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
scale=${1:-20}; shift || true
methods=("$@"); [ ${#methods[@]} -gt 0 ] || methods=(plain pgcopydb pgmove)
if [[ " ${methods[*]} " == *" pgcopydb "* ]] && ! command -v pgcopydb >/dev/null; then
  echo "bench: pgcopydb is not installed (apt-get install -y pgcopydb); skipping it" >&2
  methods=("${methods[@]/pgcopydb}")
fi

"$here/../scripts/setup.sh" </dev/null
export PGMOVE=${PGMOVE:-$("$here/pgmove-command.sh")}
export REPS=${REPS:-2} JOBS=${JOBS:-2} LABEL=${LABEL:-scale$scale}
cd "$harness"
./clusters.sh start
[ "${KEEP:-0}" = 1 ] || trap './clusters.sh stop >/dev/null' EXIT
# Rebuild the source only when it is missing or of another scale.
have=$(psql -X -Atp "${SRC_PORT:-55432}" -h 127.0.0.1 -U postgres -d bench -c "SELECT count(*) FROM pgbench_branches" 2>/dev/null || echo 0)
[ "$have" = "$scale" ] || ./make-source.sh "$scale"
results=${BENCH_DIR:-/tmp/pgbench-clusters}/results.tsv
before=$(wc -l < "$results" 2>/dev/null || echo 0)
./baseline.sh ${methods[@]}
echo
echo "medians of this run ($LABEL, jobs $JOBS):"
new=$(tail -n +"$((before + 1))" "$results" | awk -F'\t' -v label="$LABEL" '$2 == label && $NF == "OK"')
for m in $(printf '%s\n' "$new" | cut -f3 | sort -u); do
  times=$(printf '%s\n' "$new" | awk -F'\t' -v m="$m" '$3 == m { print $5 }' | sort -n)
  n=$(printf '%s\n' "$times" | wc -l)
  median=$(printf '%s\n' "$times" | awk -v n="$n" '{ v[NR] = $1 } END { print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }')
  printf '  %-10s %6.1f s  (runs: %s)\n' "$m" "$median" "$(echo $times)"
done

#!/usr/bin/env bash
# bench/resume.sh [SCALE] [FRACTION] - how much a crash costs with `pgmove copy --resume`, on the shared harness's
# servers and source (../shared/bench or $BENCH_HARNESS; SCALE default 20 ≈ 0.5 GB): a full copy is timed, then a
# copy is killed with SIGKILL at FRACTION (default 0.8) of that time and `--resume` finishes it; prints both times,
# the resume's share of a full copy, and whether `pgmove verify` finds the target equal.
# Env: REPS (default 2), JOBS (default 2), PGMOVE (command to run; default: this checkout's Release build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/clusters.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
scale=${1:-20} fraction=${2:-0.8} reps=${REPS:-2} jobs=${JOBS:-2}
if [ -z "${PGMOVE:-}" ]; then
  "$here/../scripts/setup.sh" </dev/null
  PGMOVE=$("$here/pgmove-command.sh")
fi
cd "$harness"
. ./common.sh
./clusters.sh start
[ "${KEEP:-0}" = 1 ] || trap './clusters.sh stop >/dev/null' EXIT
have=$(psql -X -Atp "$SRC_PORT" -d bench -c "SELECT count(*) FROM pgbench_branches" 2>/dev/null || echo 0)
[ "$have" = "$scale" ] || ./make-source.sh "$scale"
work=$(mktemp -d)
drop_target() { psql -X -q -p "$DST_PORT" -d postgres -c "DROP DATABASE IF EXISTS $DST_DB WITH (FORCE)"; }
secs() { date +%s.%N; }

printf 'run\tfull_s\tkilled_at_s\tresume_s\tresume/full\tverify\n'
for run in $(seq 1 "$reps"); do
  drop_target
  t0=$(secs); $PGMOVE copy -s "$SRC_URI" -t "$DST_URI" -j "$jobs" --dir "$work/full-$run" >"$work/full-$run.log" 2>&1; t1=$(secs)
  full=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  kill_after=$(awk -v f="$full" -v x="$fraction" 'BEGIN { printf "%.3f", f * x }')
  drop_target
  $PGMOVE copy -s "$SRC_URI" -t "$DST_URI" -j "$jobs" --dir "$work/killed-$run" >"$work/killed-$run.log" 2>&1 &
  pid=$!
  sleep "$kill_after"; pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  t2=$(secs); $PGMOVE copy -s "$SRC_URI" -t "$DST_URI" -j "$jobs" --dir "$work/killed-$run" --resume >"$work/resume-$run.log" 2>&1; t3=$(secs)
  resume=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f", b - a }')
  verdict=$($PGMOVE verify -s "$SRC_URI" -t "$DST_URI" -j "$jobs" >/dev/null 2>&1 && echo equal || echo DIFFERENT)
  printf '%s\t%.1f\t%.1f\t%.1f\t%.2f\t%s\n' "$run" "$full" "$kill_after" "$resume" "$(awk -v r="$resume" -v f="$full" 'BEGIN { print r / f }')" "$verdict"
done
echo "logs in $work" >&2

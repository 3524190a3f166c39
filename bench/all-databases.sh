#!/usr/bin/env bash
# bench/all-databases.sh - `pgmove copy --all-databases` of a whole instance (pagila, chinook, northwind and a
# login role that owns nothing) beside `pg_dumpall | psql` and beside `pg_dumpall --globals-only | psql` + one
# `pg_dump -C | psql` per database side by side, each baseline followed by `vacuumdb --all --analyze-only` (pgmove
# analyzes every table). Uses the shared harness's clusters.sh with its own directory and ports (BENCH_DIR
# /tmp/pgmove-alldb, ports 55621/55622) so it does not disturb the bench database of the other scripts.
# Env: REPS (default 2), JOBS (default 2), PGMOVE (command; default: this checkout's Release build), DATASETS, SCALE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
datasets=${DATASETS:-$here/../../shared/datasets}
export BENCH_DIR=${BENCH_DIR:-/tmp/pgmove-alldb} SRC_PORT=${SRC_PORT:-55621} DST_PORT=${DST_PORT:-55622}
reps=${REPS:-2} jobs=${JOBS:-2}
PGMOVE=${PGMOVE:-$("$here/pgmove-command.sh")}
cd "$harness"
. ./common.sh
./clusters.sh start >/dev/null
[ "${KEEP:-0}" = 1 ] || trap './clusters.sh stop >/dev/null' EXIT
for ds in pagila chinook northwind; do
  if [ "$(psql -X -Atp "$SRC_PORT" -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$ds'")" = 0 ]; then
    psql -X -qp "$SRC_PORT" -d postgres -c "CREATE DATABASE $ds"
    bash "$datasets/load.sh" "$ds" "postgres://postgres@127.0.0.1:$SRC_PORT/$ds" >/dev/null
  fi
done
# SCALE=N adds a pgbench database of that scale (N=10: about 150 MB) to the instance.
if [ "${SCALE:-0}" -gt 0 ] && [ "$(psql -X -Atp "$SRC_PORT" -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'pgb'")" = 0 ]; then
  psql -X -qp "$SRC_PORT" -d postgres -c "CREATE DATABASE pgb"
  pgbench -p "$SRC_PORT" -i -q -s "$SCALE" pgb >/dev/null 2>&1
fi
psql -X -qp "$SRC_PORT" -d postgres -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_login') THEN CREATE ROLE bench_login LOGIN; END IF; END \$\$"
work=$(mktemp -d)
reset_target() {
  for db in $(psql -X -Atp "$DST_PORT" -d postgres -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"); do
    psql -X -qp "$DST_PORT" -d postgres -c "DROP DATABASE \"$db\" WITH (FORCE)"
  done
  psql -X -qp "$DST_PORT" -d postgres -c "DROP ROLE IF EXISTS bench_login"
}
secs() { date +%s.%N; }
took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
src="postgres://postgres@127.0.0.1:$SRC_PORT/postgres" dst="postgres://postgres@127.0.0.1:$DST_PORT/postgres"

printf 'run\tpg_dumpall|psql+analyze_s\tglobals+pg_dump|psql_parallel+analyze_s\tpgmove_all_databases_s\tverify\n'
for run in $(seq 1 "$reps"); do
  reset_target
  t0=$(secs)
  pg_dumpall -p "$SRC_PORT" | psql -X -q -p "$DST_PORT" -d postgres >"$work/dumpall-$run.log" 2>&1
  vacuumdb -p "$DST_PORT" --all --analyze-only -j "$jobs" -q
  t1=$(secs); reset_target; t2=$(secs)
  pg_dumpall -p "$SRC_PORT" --globals-only | psql -X -q -p "$DST_PORT" -d postgres >"$work/globals-$run.log" 2>&1
  for db in $(psql -X -Atp "$SRC_PORT" -d postgres -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"); do
    (pg_dump -p "$SRC_PORT" -C -d "$db" | psql -X -q -p "$DST_PORT" -d postgres >"$work/dump-$db-$run.log" 2>&1) &
  done
  wait
  vacuumdb -p "$DST_PORT" --all --analyze-only -j "$jobs" -q
  t3=$(secs); reset_target; t4=$(secs)
  $PGMOVE copy --all-databases -s "$src" -t "$dst" -j "$jobs" --dir "$work/pgmove-$run" >"$work/pgmove-$run.log" 2>&1
  t5=$(secs)
  verdict=$($PGMOVE verify --all-databases -s "$src" -t "$dst" -j "$jobs" >/dev/null 2>&1 && echo equal || echo DIFFERENT)
  printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$(took "$t0" "$t1")" "$(took "$t2" "$t3")" "$(took "$t4" "$t5")" "$verdict"
done
echo "logs: $work" >&2

#!/usr/bin/env bash
# demo.sh - build and install pgmove (scripts/setup.sh), start two throwaway PostgreSQL 15 clusters on
# 127.0.0.1, build a source database in the first (pgbench's tables with foreign keys, plus
# scripts/demo-schema.sql: partitions, identity and generated columns, enums, arrays, jsonb, a big TOASTed
# value, large objects, an odd quoted name, views, a function and trigger, sequences), copy it to the second
# with `pgmove copy`, compare per-table row counts on both sides, then run `pgmove verify` (schema and
# per-table checksums). Needs nothing outside this repository. SCALE sets pgbench's scale (default 5).
# Ports: $PORT1/$PORT2 (default: the first free ports from 54411 up). KEEP=1 leaves the clusters running.
set -euo pipefail
cd "$(dirname "$0")"
repo=$PWD
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

echo "demo: setting up (packages, build, the pgmove command): scripts/setup.sh"
./scripts/setup.sh </dev/null
# setup.sh installs pgmove in /usr/local/bin as root, else in ~/.local/bin (or $PGMOVE_PREFIX/bin).
export PATH="$PGBIN:${PGMOVE_PREFIX:+$PGMOVE_PREFIX/bin:}$PATH:$HOME/.local/bin" PGUSER=postgres PGHOST=127.0.0.1
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
die() { echo "demo: $*" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {   # pick_port VAR FIRST: keep an explicit $VAR (must be free), else the first free port >= FIRST
  local p=${!1:-}
  if [ -n "$p" ]; then port_free "$p" || die "port $p ($1) is in use"
  else p=$2; while ! port_free "$p"; do p=$((p + 1)); done; fi
  printf -v "$1" %s "$p"
}
pick_port PORT1 54411
pick_port PORT2 $((PORT1 + 1))

work=$(mktemp -d "${TMPDIR:-/tmp}/pgmove-demo.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres: "$work"
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "demo: KEEP=1: clusters left running in $work (ports $PORT1, $PORT2); stop them with:"
    echo "  $PGBIN/pg_ctl -D $work/src stop; $PGBIN/pg_ctl -D $work/dst stop   (as the postgres user)"
    return
  fi
  for c in src dst; do
    [ -f "$work/$c/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$work/$c" -m fast -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_cluster() {   # start_cluster NAME PORT
  as_pg "$PGBIN/initdb" -D "$work/$1" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$2" "$work" \
    >>"$work/$1/postgresql.conf"
  as_pg "$PGBIN/pg_ctl" -D "$work/$1" -l "$work/$1.log" -w start >/dev/null
  echo "demo: cluster $1 running on 127.0.0.1:$2"
}
echo "demo: starting two throwaway PostgreSQL 15 clusters in $work"
start_cluster src "$PORT1"
start_cluster dst "$PORT2"

SRC="postgres://postgres@127.0.0.1:$PORT1/demo"
DST="postgres://postgres@127.0.0.1:$PORT2/demo"
createdb -p "$PORT1" demo
scale=${SCALE:-5}
echo "demo: building the source database: pgbench -i --foreign-keys -s $scale ($((scale * 100000)) accounts)"
pgbench -i --foreign-keys -q -s "$scale" -p "$PORT1" demo >"$work/pgbench.log" 2>&1 \
  || { cat "$work/pgbench.log" >&2; die "pgbench -i failed"; }
echo "demo: adding the hard cases (scripts/demo-schema.sql: partitions, identity, generated columns, enums, arrays,"
echo "      jsonb, a TOASTed value, large objects, an odd quoted name, views, a function and trigger, sequences)"
psql -X -q -p "$PORT1" -d demo -f scripts/demo-schema.sql >/dev/null

report=${REPORT:-$PWD/pgmove-demo-report.html}
echo "demo: pgmove copy --source $SRC --target $DST --jobs 2 --verify --report $report"
pgmove copy --source "$SRC" --target "$DST" --jobs 2 --dir "$work/pgmove-state" --verify --report "$report" >"$work/copy.log" 2>&1 \
  || { cat "$work/copy.log"; die "pgmove copy failed"; }
sed -n '/pgmove copy: done/,$p' "$work/copy.log" | head -n 20

# Exact row counts of every table (partitioned parents count their partitions) and materialized view.
counts_sql="
SELECT format('%I.%I', n.nspname, c.relname),
       CASE WHEN c.relkind = 'm' AND NOT c.relispopulated THEN 'unpopulated'
            ELSE (xpath('/row/n/text()', query_to_xml(
                    format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
psql -X -At -F '|' -p "$PORT1" -d demo -c "$counts_sql" | LC_ALL=C sort -t "|" -k1,1 >"$work/src.counts"
psql -X -At -F '|' -p "$PORT2" -d demo -c "$counts_sql" | LC_ALL=C sort -t "|" -k1,1 >"$work/dst.counts"

echo
LC_ALL=C join -t '|' -a 1 -a 2 -e missing -o 0,1.2,2.2 "$work/src.counts" "$work/dst.counts" | awk -F '|' '
  BEGIN { printf "%-36s %12s %12s\n", "table", "source", "target" }
  { bad += ($2 != $3); printf "%-36s %12s %12s%s\n", $1, $2, $3, ($2 != $3 ? "   <-- differs" : "") }
  END { if (bad) { printf "\nrow counts DIFFER in %d of %d tables\n", bad, NR; exit 1 }
        printf "\nrow counts match on all %d tables\n", NR }'

echo
echo "demo: pgmove verify --source $SRC --target $DST (schema, then every table's checksum)"
pgmove verify --source "$SRC" --target "$DST" --jobs 2 | tail -n 3

echo
echo "demo: the copy's report (run facts, phases, per-table times and rates, the timeline, the verification): $report"

#!/usr/bin/env bash
# bench/many-tables.sh [tables|lobs] - times pgmove copy against pg_dump on servers at PostgreSQL's DEFAULT settings
# (max_locks_per_transaction 64, max_connections 100), started here on their own ports (not the shared harness's).
#   tables  (default) 20 schemas × 500 tiny tables (primary key, 20 rows each): pgmove copy --jobs $JOBS against
#           pg_dump | psql + vacuumdb --analyze-only -j $JOBS. pg_dump cannot dump 10,000 tables at the default
#           max_locks_per_transaction (53200 "out of shared memory"), so the source is restarted with 256 for pg_dump's
#           runs only, and back at 64 for pgmove's.
#   lobs    100,000 small large objects: pgmove copy against pg_dump -Fc | pg_restore (both at defaults).
#   archive the tables' source: pgmove dump + pgmove restore (--jobs $JOBS, defaults) against pg_dump -Fd -j $JOBS +
#           pg_restore -j $JOBS + vacuumdb --analyze-only (max_locks_per_transaction 256 on both sides for pg_dump's
#           runs: pg_dump locks every table, and pg_restore -j's workers lock what they restore).
# Env: REPS (default 2), JOBS (default 2), DIR (default /tmp/pgmove-many-tables or -lobs), PORT1/PORT2 (default 55532/55533, lobs 55542/55543),
#      KEEP=1 leaves the servers running.
#      FRESH=1 (tables, lobs): each run copies into a database of its own, all dropped at the end, instead of dropping the
#      previous copy just before: on a file system that scans recently freed inodes when it creates a file (ext4 without
#      a journal, as on the machine these figures come from), 40,000 files deleted a second before make every file the
#      next run creates cost more, and file creation in one directory is serialized.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
what=${1:-tables}
# Each source has servers of its own (a "lobs" run must not find the "tables" database, nor stop a "tables" run's servers).
if [ "$what" != lobs ]; then defaults=(/tmp/pgmove-many-tables 55532 55533); else defaults=(/tmp/pgmove-many-lobs 55542 55543); fi
REPS=${REPS:-2} JOBS=${JOBS:-2} DIR=${DIR:-${defaults[0]}} PORT1=${PORT1:-${defaults[1]}} PORT2=${PORT2:-${defaults[2]}}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PGBIN:$PATH" PGUSER=postgres PGHOST=127.0.0.1
PGMOVE=${PGMOVE:-$("$here/pgmove-command.sh")}
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

server() { # server NAME PORT [pg_ctl options]: creates on first use, (re)starts
  local data=$DIR/$1 port=$2; shift 2
  if [ ! -d "$data" ]; then
    mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_pg initdb -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$port" "$DIR" >> "$data/postgresql.conf"
  fi
  as_pg pg_ctl -D "$data" -l "$DIR/$(basename "$data").log" -w stop -m fast >/dev/null 2>&1 || true
  as_pg pg_ctl -D "$data" -l "$DIR/$(basename "$data").log" -w start "$@" >/dev/null
}
[ "${KEEP:-0}" = 1 ] || trap 'for s in src dst; do as_pg pg_ctl -D $DIR/$s -w stop -m fast >/dev/null 2>&1 || true; done' EXIT
server src "$PORT1"; server dst "$PORT2"
src() { psql -X -q -v ON_ERROR_STOP=1 -p "$PORT1" "$@"; }
dst() { psql -X -q -v ON_ERROR_STOP=1 -p "$PORT2" "$@"; }

if [ "$(src -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = 'many'")" = 0 ]; then
  echo "building source database \"many\" ($what)..."
  src -d postgres -c "CREATE DATABASE many"
  if [ "$what" != lobs ]; then
    for s in $(seq 1 20); do
      src -d many -c "CREATE SCHEMA tenant$s"
      for from in $(seq 1 100 500); do
        src -d many -c "DO \$\$ BEGIN FOR i IN $from..$((from + 99)) LOOP
          EXECUTE format('CREATE TABLE tenant$s.t%s (id int PRIMARY KEY, v text)', i);
          EXECUTE format('INSERT INTO tenant$s.t%s SELECT g, md5(g::text) FROM generate_series(1, 20) g', i);
        END LOOP; END \$\$"
      done
    done
  else
    src -d many -c "SELECT lo_from_bytea(0, convert_to(g::text || repeat('x', g % 300), 'UTF8')) FROM generate_series(1, 100000) g" >/dev/null
  fi
fi
src -d many -Atc "SELECT count(*) || ' tables, ' || (SELECT count(*) FROM pg_largeobject_metadata) || ' large objects, ' || pg_size_pretty(pg_database_size('many')) FROM pg_tables WHERE schemaname LIKE 'tenant%'"

now() { date +%s.%N; }
fresh() { dst -d postgres -c "DROP DATABASE IF EXISTS many WITH (FORCE)"; }
archive_rep() { # archive_rep REP: pg_dump -Fd + pg_restore, then pgmove dump + restore
  local arc=$DIR/archive t0 t1
  fresh; rm -rf "$arc"
  server src "$PORT1" -o "-c max_locks_per_transaction=256"; server dst "$PORT2" -o "-c max_locks_per_transaction=256"
  t0=$(now)
  pg_dump -Fd -j "$JOBS" -p "$PORT1" -d many -f "$arc"
  t1=$(now); dst -d postgres -c "CREATE DATABASE many"
  pg_restore -j "$JOBS" -p "$PORT2" -d many "$arc"; vacuumdb --analyze-only -q -j "$JOBS" -p "$PORT2" -d many
  printf 'archive rep %s: pg_dump -Fd %.1f s + pg_restore %.1f s, %s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(echo "$(now) - $t1" | bc)" "$(du -sh "$arc" | cut -f1)"
  fresh; rm -rf "$arc"; server src "$PORT1"; server dst "$PORT2"
  t0=$(now)
  $PGMOVE dump --source "postgres://postgres@127.0.0.1:$PORT1/many" --archive "$arc" --jobs "$JOBS" > "$DIR/pgmove.log" 2>&1 || { tail -5 "$DIR/pgmove.log"; exit 1; }
  t1=$(now)
  $PGMOVE restore --archive "$arc" --target "postgres://postgres@127.0.0.1:$PORT2/many" --jobs "$JOBS" --dir "$(mktemp -d)" >> "$DIR/pgmove.log" 2>&1 || { tail -5 "$DIR/pgmove.log"; exit 1; }
  printf 'archive rep %s: pgmove dump %.1f s + restore %.1f s, %s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(echo "$(now) - $t1" | bc)" "$(du -sh "$arc" | cut -f1)"
}
# The target database of a run: "many", dropped just before, or with FRESH=1 a new one per run.
target_of() { if [ "${FRESH:-0}" = 1 ]; then echo "many_$1"; else fresh; echo many; fi; }
for rep in $(seq 1 "$REPS"); do
  if [ "$what" = archive ]; then archive_rep "$rep"; continue; fi
  tgt=$(target_of "r${rep}_pg_dump")
  [ "$what" = tables ] && server src "$PORT1" -o "-c max_locks_per_transaction=256"
  t0=$(now)
  if [ "$what" = tables ]; then
    dst -d postgres -c "CREATE DATABASE $tgt"
    pg_dump -p "$PORT1" -d many | dst -d "$tgt" >/dev/null
    vacuumdb --analyze-only -q -j "$JOBS" -p "$PORT2" -d "$tgt"
  else
    dst -d postgres -c "CREATE DATABASE $tgt"
    pg_dump -Fc -p "$PORT1" -d many | pg_restore -p "$PORT2" -d "$tgt"
  fi
  t1=$(now); printf '%s rep %s: pg_dump %.1f s\n' "$what" "$rep" "$(echo "$t1 - $t0" | bc)"
  tgt=$(target_of "r${rep}_pgmove")
  [ "$what" = tables ] && server src "$PORT1" -o "-c max_locks_per_transaction=64"
  t0=$(now)
  $PGMOVE copy --source "postgres://postgres@127.0.0.1:$PORT1/many" --target "postgres://postgres@127.0.0.1:$PORT2/$tgt" \
    --jobs "$JOBS" --dir "$(mktemp -d)" > "$DIR/pgmove.log" 2>&1 || { tail -5 "$DIR/pgmove.log"; exit 1; }
  t1=$(now); printf '%s rep %s: pgmove %.1f s\n' "$what" "$rep" "$(echo "$t1 - $t0" | bc)"
done
# The last pgmove copy, checked: same tables and rows, or same large objects.
check="SELECT (SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'tenant%') || ' ' || (SELECT count(*) FROM pg_largeobject_metadata)
             || ' ' || coalesce((SELECT md5(string_agg(oid || md5(lo_get(oid)), ',' ORDER BY oid)) FROM pg_largeobject_metadata), '-')"
if [ "$what" != archive ]; then
  [ "$(src -d many -Atc "$check")" = "$(dst -d "$tgt" -Atc "$check")" ] && echo "pgmove's copy checked: same" || { echo "pgmove's copy DIFFERS"; exit 1; }
else
  [ "$(src -d many -Atc "$check")" = "$(dst -d many -Atc "$check")" ] && echo "pgmove's copy checked: same" || { echo "pgmove's copy DIFFERS"; exit 1; }
fi
if [ "${FRESH:-0}" = 1 ]; then
  for d in $(dst -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'many\_r%'"); do dst -d postgres -c "DROP DATABASE $d"; done
fi

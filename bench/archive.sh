#!/usr/bin/env bash
# bench/archive.sh: pgmove dump + restore beside pg_dump -Fd -j2 + pg_restore -j2 + ANALYZE (run under flock /tmp/pgmove-cpu.lock).
# SCALE (default 20; docs/performance.md uses 100), MAKE=0 to reuse the source; own clusters on ports 56432/56433 under /tmp/pgbench-archive.
set -euo pipefail
export BENCH_DIR=/tmp/pgbench-archive SRC_PORT=56432 DST_PORT=56433
PGMOVE=${PGMOVE:-$("$(dirname "$0")/pgmove-command.sh")}
cd ${BENCH:-/work/shared/bench}
. ./common.sh
./clusters.sh start >/dev/null
if [ "${MAKE:-1}" = 1 ]; then ./make-source.sh ${SCALE:-20}; fi
W=${WORK:-/tmp/archive-bench/work}; rm -rf $W; mkdir -p $W
psrc -c "CHECKPOINT" >/dev/null
echo "source size: $(psrc -Atc "select pg_size_pretty(pg_database_size('bench'))")"
# Both sides start alike: target database dropped and a CHECKPOINT on both servers (else the previous run's writes
# are flushed during the next one, which moved single restores by 10 s).
redst() { PGOPTIONS="-c client_min_messages=warning" DB=postgres pdst -c "DROP DATABASE IF EXISTS $DST_DB" -c CHECKPOINT; psrc -c CHECKPOINT >/dev/null; }
# pgmove
redst
/usr/bin/time -f "pgmove dump: %e s, user %U s, sys %S s, peak RSS %M KB" $PGMOVE dump --source "$SRC_URI" --archive $W/arc --jobs 2 >/dev/null 2>$W/dump.err || { cat $W/dump.err; exit 1; }
tail -1 $W/dump.err
redst
# Timed without --verify (pg_restore counts nothing either); the counts are compared after it, untimed.
/usr/bin/time -f "pgmove restore: %e s, user %U s, sys %S s, peak RSS %M KB" $PGMOVE restore --archive $W/arc --target "$DST_URI" --jobs 2 --timeline $W/restore-timeline.json >$W/restore.out 2>$W/restore.err || { cat $W/restore.out $W/restore.err; exit 1; }
tail -1 $W/restore.err
counts="SELECT string_agg(format('%s=%s', c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"
[ "$(psrc -Atc "$counts")" = "$(pdst -Atc "$counts")" ] && echo "row counts: every public table equals the source's" || { echo "row counts DIFFER"; exit 1; }
echo "pgmove archive: $(du -sb $W/arc | cut -f1) bytes"
# pg_dump -Fd -j2 + pg_restore -j2 + analyze
redst
/usr/bin/time -f "pg_dump -Fd -j2: %e s, user %U s, sys %S s, peak RSS %M KB" pg_dump -Fd -j2 -f $W/pgd "$SRC_URI"
redst
DB=postgres pdst -c "CREATE DATABASE $DST_DB"
/usr/bin/time -f "pg_restore -j2: %e s, user %U s, sys %S s, peak RSS %M KB" pg_restore -j2 -d "$DST_URI" $W/pgd
/usr/bin/time -f "analyze: %e s" psql -X -q -d "$DST_URI" -c ANALYZE
echo "pg_dump -Fd archive: $(du -sb $W/pgd | cut -f1) bytes"

#!/usr/bin/env bash
# bench/pgdump-restore.sh dump|run|report: restoring a pg_dump -Fd archive, pg_restore -j2 + ANALYZE beside
# pgmove restore --jobs 2, on the shared bench clusters (/work/shared/bench: src 55432 "bench", dst 55433).
#   dump    times pg_dump -Fd -j2 of the source once, into $WORK/pgd
#   run     one round: pg_restore -j2 + ANALYZE into a fresh target, then pgmove restore --jobs 2 into a fresh target
#           (row counts of every table checked against the source); appends to $WORK/results.tsv
#   report  medians per tool from results.tsv
# Run each step under flock -o /tmp/pgmove-cpu.lock. PGMOVE: the pgmove to time (default: this worktree's Release build).
set -euo pipefail
PGMOVE=${PGMOVE:-$("$(dirname "$0")/pgmove-command.sh")}
cd ${BENCH:-/work/shared/bench}
. ./common.sh
W=${WORK:-/tmp/pgdump-restore-bench}; mkdir -p $W
R=$W/results.tsv
redst() { PGOPTIONS="-c client_min_messages=warning" DB=postgres pdst -c "DROP DATABASE IF EXISTS $DST_DB WITH (FORCE)"; }
counts() { psql -X -Atq -p "$1" -d "$2" -c "SELECT string_agg(format('%s.%s=%s', schemaname, relname, n), ',' ORDER BY schemaname, relname)
  FROM (SELECT schemaname, relname, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', schemaname, relname), false, true, '')))[1]::text AS n
        FROM pg_stat_user_tables) t" ; }
seconds() { local t0=$1; echo "$(( $(date +%s%N) - t0 ))" | awk '{printf "%.1f", $1/1e9}'; }
case "${1:-}" in
  dump)
    ./clusters.sh start >/dev/null
    psrc -c CHECKPOINT >/dev/null
    echo "source: $(psrc -Atc "select pg_size_pretty(pg_database_size('$SRC_DB'))")"
    rm -rf $W/pgd
    /usr/bin/time -f "pg_dump -Fd -j2: %e s, peak RSS %M KB" pg_dump -Fd -j2 -f $W/pgd "$SRC_URI"
    echo "archive: $(du -sb $W/pgd | cut -f1) bytes"
    counts $SRC_PORT $SRC_DB > $W/source.counts ;;
  run)
    ./clusters.sh start >/dev/null
    redst; DB=postgres pdst -c "CREATE DATABASE $DST_DB"; pdst -c CHECKPOINT >/dev/null
    t0=$(date +%s%N)
    /usr/bin/time -o $W/pgr.time -f "%M" pg_restore -j2 -d "$DST_URI" $W/pgd
    psql -X -q -d "$DST_URI" -c ANALYZE
    s=$(seconds $t0); echo "pg_restore -j2 + ANALYZE: $s s, peak RSS $(cat $W/pgr.time) KB"
    printf 'pg_restore\t%s\t%s\n' "$s" "$(cat $W/pgr.time)" >> $R
    redst; pdst -d postgres -c CHECKPOINT >/dev/null
    t0=$(date +%s%N)
    /usr/bin/time -o $W/pgm.time -f "%M" $PGMOVE restore --archive $W/pgd --target "$DST_URI" --jobs 2 --dir $W/state-$$ >$W/pgmove.out 2>$W/pgmove.err \
      || { tail -20 $W/pgmove.err; exit 1; }
    s=$(seconds $t0); echo "pgmove restore --jobs 2: $s s, peak RSS $(cat $W/pgm.time) KB"
    printf 'pgmove\t%s\t%s\n' "$s" "$(cat $W/pgm.time)" >> $R
    counts $DST_PORT $DST_DB > $W/target.counts
    diff -q $W/source.counts $W/target.counts >/dev/null && echo "row counts: every table equals the source" \
      || { echo "row counts differ:"; diff <(tr , '\n' < $W/source.counts) <(tr , '\n' < $W/target.counts); exit 1; } ;;
  report)
    for tool in pg_restore pgmove; do
      awk -F'\t' -v t=$tool '$1==t {print $2, $3}' $R | sort -n | awk -v t=$tool '{s[NR]=$1; m=$2>m?$2:m} END {
        if (NR) printf "%s: runs %d, median %.1f s, peak RSS %d MB\n", t, NR, (NR%2 ? s[(NR+1)/2] : (s[NR/2]+s[NR/2+1])/2), m/1024 }'
    done ;;
  *) echo "usage: $0 dump|run|report" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# bench/lag.sh - sustained lag of `pgmove sync` while pgbench -c 4 -j 2 (scale 10) writes for 60 s: the source's slot
# lag (current WAL position minus the slot's confirmed position, which moves when the target commits a batch) sampled
# every second, then a cutover with verification. Uses the shared harness's two servers (../shared/bench or
# $BENCH_HARNESS). Env: PGMOVE (default: the pgmove on PATH). Run under `flock -o /tmp/pgmove-cpu.lock`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/clusters.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
PGMOVE=${PGMOVE:-$("$(dirname "$0")/pgmove-command.sh")}
cd "$harness" && . ./common.sh
./clusters.sh start >/dev/null
DB=postgres psrc -c "DROP DATABASE IF EXISTS lagtest WITH (FORCE)"
DB=postgres pdst -c "DROP DATABASE IF EXISTS lagtest WITH (FORCE)"
DB=postgres psrc -c "CREATE DATABASE lagtest"
pgbench -q -i -s 10 -p $SRC_PORT lagtest >/dev/null 2>&1
DB=lagtest psrc -c "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY"
S="postgres://postgres@127.0.0.1:$SRC_PORT/lagtest"; T="postgres://postgres@127.0.0.1:$DST_PORT/lagtest"
dir=$(mktemp -d)
$PGMOVE sync -s "$S" -t "$T" --jobs 2 --dir "$dir" > /tmp/lag-sync.log 2>&1 &
sp=$!
for i in $(seq 1 120); do kill -0 $sp || break; grep -q '"phase": *"streaming"' "$dir/sync.json" 2>/dev/null && break; sleep 1; done
pgbench -c 4 -j 2 -T 60 -p $SRC_PORT lagtest > /tmp/lag-pgbench.log 2>&1 &
bp=$!
: > /tmp/lag-samples.txt
while kill -0 $bp 2>/dev/null; do
  DB=lagtest psrc -At -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots WHERE slot_name LIKE 'pgmove_%'" >> /tmp/lag-samples.txt || true
  sleep 1
done
$PGMOVE status -s "$S" -t "$T" --dir "$dir" 2>&1 | tail -12 > /tmp/lag-status.txt || true
$PGMOVE cutover -s "$S" -t "$T" --dir "$dir" > /tmp/lag-cutover.log 2>&1 || echo "cutover rc=$?"
wait $sp || echo "sync rc=$?"
grep -E "tps|number of transactions actually" /tmp/lag-pgbench.log
sort -n /tmp/lag-samples.txt | awk '{a[NR]=$1} END {printf "samples %d, median %d bytes, p90 %d, max %d\n", NR, a[int(NR/2)+1], a[int(NR*0.9)], a[NR]}'
grep -E "freeze|verification" /tmp/lag-cutover.log | head -3
DB=postgres psrc -c "ALTER DATABASE lagtest CONNECTION LIMIT -1" -c "ALTER DATABASE lagtest RESET default_transaction_read_only" || true
./clusters.sh stop >/dev/null

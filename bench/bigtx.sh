#!/usr/bin/env bash
# bench/bigtx.sh [ROWS] - one big source transaction applied by `pgmove sync`: ROWS (default 5,000,000) rows inserted
# in a single transaction while the sync streams, on the shared harness's servers (../shared/bench or $BENCH_HARNESS).
# Prints the seconds from the source's commit until the row written after it is visible on the target, and the peak
# resident memory of the pgmove process (sampled every 0.2 s from /proc). The target is compared by count and sum.
# Env: PGMOVE (default: this checkout's Release build), KEEP=1 keeps servers. Run under `flock /tmp/pgmove-cpu.lock`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/clusters.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
rows=${1:-5000000}
PGMOVE=${PGMOVE:-$("$here/pgmove-command.sh")}
cd "$harness"; . ./common.sh
./clusters.sh start >/dev/null
[ "${KEEP:-0}" = 1 ] || trap './clusters.sh stop >/dev/null' EXIT
db=bigtx_bench
src="postgres://postgres@127.0.0.1:$SRC_PORT/$db" dst="postgres://postgres@127.0.0.1:$DST_PORT/$db"
sq() { psql -X -q -v ON_ERROR_STOP=1 -Atp "$SRC_PORT" -d "${2:-$db}" -c "$1"; }
dq() { psql -X -q -v ON_ERROR_STOP=1 -Atp "$DST_PORT" -d "${2:-$db}" -c "$1"; }
work=$(mktemp -d)
$PGMOVE cleanup -s "$src" -t "$dst" >/dev/null 2>&1 || true
sq "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres; dq "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
sq "CREATE DATABASE $db" postgres
sq "CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL, pad text); CREATE TABLE marker (id int PRIMARY KEY)"
$PGMOVE sync -s "$src" -t "$dst" --dir "$work/sync" >"$work/sync.log" 2>&1 &
sync_pid=$!
until [ "$(sq "SELECT count(*) FROM pg_replication_slots WHERE database = '$db' AND active")" = 1 ] &&
      grep -q '"phase": "streaming"' "$work/sync/sync.json" 2>/dev/null; do
  kill -0 "$sync_pid" 2>/dev/null || { cat "$work/sync.log" >&2; exit 1; }; sleep 0.5
done
( peak=0; while kill -0 "$sync_pid" 2>/dev/null; do
    r=$(awk '/VmRSS/ { print $2 }' "/proc/$sync_pid/status" 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r
    echo "$peak" > "$work/rss"; sleep 0.2; done ) &
sq "BEGIN; INSERT INTO big SELECT g, g % 1000, md5(g::text) FROM generate_series(1, $rows) g; COMMIT; INSERT INTO marker VALUES (1);"
t0=$(date +%s.%N)
t1=$(dq "DO \$\$ BEGIN LOOP PERFORM 1 FROM marker WHERE id = 1; EXIT WHEN FOUND; COMMIT; PERFORM pg_sleep(0.05); END LOOP;
         RAISE NOTICE 'done %', extract(epoch FROM clock_timestamp()); END \$\$" 2>&1 | sed -n 's/.*NOTICE:  done //p')
check="SELECT count(*) || '/' || sum(v) FROM big"
equal=$([ "$(sq "$check")" = "$(dq "$check")" ] && echo yes || echo NO)
$PGMOVE cutover -s "$src" -t "$dst" --dir "$work/sync" >"$work/cutover.log" 2>&1 || equal="$equal (cutover failed)"
wait "$sync_pid" 2>/dev/null || true
printf 'rows\tapply_s\trows_s\tpeak_rss_MB\tequal\n'
printf '%s\t%.1f\t%.0f\t%.0f\t%s\n' "$rows" "$(awk "BEGIN { print $t1 - $t0 }")" "$(awk "BEGIN { print $rows / ($t1 - $t0) }")" \
  "$(awk "BEGIN { print $(cat "$work/rss") / 1024 }")" "$equal"
sq "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres; dq "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
echo "logs in $work" >&2

#!/usr/bin/env bash
# bench/apply.sh [MODE] - how fast `pgmove sync` applies a backlog, against PostgreSQL's native logical replication
# applying the SAME backlog on the same servers in the same run (the shared harness's two servers: ../shared/bench or
# $BENCH_HARNESS). MODE: own (default: pgmove's own applier) or native (`pgmove sync --apply native`).
#  1. source database apply_bench: `pgbench -i -s $SCALE --foreign-keys` and a marker table;
#  2. a native subscription (own publication and slot) into target database apply_bench_native (schema by pg_dump,
#     copy_data = true); `pgmove sync` into target database apply_bench until it streams;
#  3. both stop: pgmove sync is killed with SIGKILL (MODE=own) or its subscription disabled (MODE=native), and the
#     native subscription is disabled; `pgbench -T $DURATION -c 4 -j 2` writes the backlog; one marker row last;
#  4. pgmove applies it (sync restarted, or its subscription enabled): seconds until the marker row is visible on
#     the target (a server-side loop polls every 20 ms); then the native subscription is enabled and timed alike;
#  5. both targets compared with the source (counts and sums), `pgmove cutover`, everything dropped.
# Rows/s = 4 row changes per pgbench transaction (3 UPDATE + 1 INSERT) / seconds. Peak RSS of the resumed sync (own).
# Env: SCALE (10), DURATION (60), REPS (1), PGMOVE (default: this checkout's Release build), KEEP=1 keeps servers.
# Run under `flock /tmp/pgmove-cpu.lock` on the shared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/clusters.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
mode=${1:-own}; scale=${SCALE:-10}; duration=${DURATION:-60}; reps=${REPS:-1}
case $mode in own) apply_args=();; native) apply_args=(--apply native);; *) echo "MODE: own or native" >&2; exit 2;; esac
PGMOVE=${PGMOVE:-$("$here/pgmove-command.sh")}
cd "$harness"; . ./common.sh
./clusters.sh start >/dev/null
[ "${KEEP:-0}" = 1 ] || trap './clusters.sh stop >/dev/null' EXIT
db=apply_bench ndb=apply_bench_native sub=apply_bench_native pub=apply_bench_native
src="postgres://postgres@127.0.0.1:$SRC_PORT/$db" dst="postgres://postgres@127.0.0.1:$DST_PORT/$db"
sq() { psql -X -q -v ON_ERROR_STOP=1 -Atp "$SRC_PORT" -d "${2:-$db}" -c "$1"; }
dq() { psql -X -q -v ON_ERROR_STOP=1 -Atp "$DST_PORT" -d "${2:-$db}" -c "$1"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
work=$(mktemp -d)

# wait_marker DB ID: prints the epoch at which marker row ID became visible in target database DB.
wait_marker() {
  dq "DO \$\$ BEGIN LOOP PERFORM 1 FROM marker WHERE id = $2; EXIT WHEN FOUND; COMMIT; PERFORM pg_sleep(0.02); END LOOP;
      RAISE NOTICE 'done %', extract(epoch FROM clock_timestamp()); END \$\$" "$1" 2>&1 | sed -n 's/.*NOTICE:  done //p'
}
sub_enable() { dq "ALTER SUBSCRIPTION $2 $3" "$1"; }
cleanup() {
  set +e
  [ -n "${sync_pid:-}" ] && kill -9 "$sync_pid" 2>/dev/null
  if [ "$(dq "SELECT 1 FROM pg_database WHERE datname = '$ndb'" postgres)" = 1 ]; then
    dq "DROP SUBSCRIPTION IF EXISTS $sub" "$ndb" >/dev/null 2>&1
  fi
  $PGMOVE cleanup -s "$src" -t "$dst" >/dev/null 2>&1
  for d in "$db" "$ndb"; do dq "DROP DATABASE IF EXISTS $d WITH (FORCE)" postgres; done
  sq "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres
  set -e
}

printf 'mode\trun\tbacklog_tx\tpgbench_tps\tpgmove_s\tpgmove_rows_s\tpgmove_peak_rss_MB\tnative_s\tnative_rows_s\tratio\tequal\n'
for run in $(seq 1 "$reps"); do
  cleanup 2>/dev/null
  sq "CREATE DATABASE $db" postgres
  pgbench -h 127.0.0.1 -p "$SRC_PORT" -U postgres -i --foreign-keys -q -s "$scale" "$db" >/dev/null 2>&1
  sq "CREATE TABLE marker (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())"
  # The native subscriber: its own publication and slot, tables copied by itself.
  dq "CREATE DATABASE $ndb" postgres
  pg_dump -s -p "$SRC_PORT" -d "$db" | psql -X -q -p "$DST_PORT" -d "$ndb" >/dev/null
  sq "CREATE PUBLICATION $pub FOR ALL TABLES"
  dq "CREATE SUBSCRIPTION $sub CONNECTION 'host=127.0.0.1 port=$SRC_PORT dbname=$db user=postgres' PUBLICATION $pub" "$ndb"
  until [ "$(dq "SELECT count(*) FILTER (WHERE srsubstate <> 'r') FROM pg_subscription_rel" "$ndb")" = 0 ] &&
        [ "$(dq "SELECT count(*) FROM pg_subscription_rel" "$ndb")" -gt 0 ]; do sleep 0.5; done
  # pgmove sync until it streams.
  dir=$work/sync-$run
  $PGMOVE sync -s "$src" -t "$dst" --dir "$dir" --set-replica-identity-full -j 2 "${apply_args[@]}" >"$work/sync-$run-1.log" 2>&1 &
  sync_pid=$!
  until grep -q '"phase": "streaming"' "$dir/sync.json" 2>/dev/null; do
    kill -0 "$sync_pid" 2>/dev/null || { echo "bench: sync failed, see $work/sync-$run-1.log" >&2; cat "$work/sync-$run-1.log" >&2; exit 1; }; sleep 0.5
  done
  sq "INSERT INTO marker (id) VALUES (1)"
  [ -n "$(wait_marker "$db" 1)" ] && [ -n "$(wait_marker "$ndb" 1)" ]
  # Both appliers stop; the backlog is written.
  if [ "$mode" = own ]; then kill -9 "$sync_pid"; wait "$sync_pid" 2>/dev/null || true; sync_pid=
  else pgsub=$(dq "SELECT subname FROM pg_subscription WHERE subname LIKE 'pgmove%'"); sub_enable "$db" "$pgsub" DISABLE; fi
  sub_enable "$ndb" "$sub" DISABLE
  until [ "$(sq "SELECT count(*) FROM pg_replication_slots WHERE database = '$db' AND active")" = 0 ]; do sleep 0.2; done
  sq "CHECKPOINT" postgres; dq "CHECKPOINT" postgres
  pgbench -h 127.0.0.1 -p "$SRC_PORT" -U postgres -c 4 -j 2 -T "$duration" "$db" >"$work/pgbench-$run.log" 2>&1
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench-$run.log")
  tps=$(sed -n 's/^tps = \([0-9]*\.[0-9]\).*/\1/p' "$work/pgbench-$run.log" | head -1)
  sq "INSERT INTO marker (id) VALUES (2)"
  sq "CHECKPOINT" postgres
  # pgmove applies the backlog.
  t0=$(now)
  if [ "$mode" = own ]; then
    $PGMOVE sync -s "$src" -t "$dst" --dir "$dir" -j 2 >"$work/sync-$run-2.log" 2>&1 &
    sync_pid=$!
    rss_file=$work/rss-$run; ( peak=0; while kill -0 "$sync_pid" 2>/dev/null; do
        for p in $(pgrep -P "$sync_pid") "$sync_pid"; do
          r=$(awk '/VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r; done
        echo "$peak" > "$rss_file"; sleep 0.2; done ) &
  else sub_enable "$db" "$pgsub" ENABLE; fi
  t1=$(wait_marker "$db" 2)
  pgmove_s=$(calc %.2f "$t1 - $t0")
  rss=$([ "$mode" = own ] && calc %.0f "$(cat "$rss_file") / 1024" || echo -)
  # The native subscription applies the same backlog.
  t0=$(now); sub_enable "$ndb" "$sub" ENABLE; t1=$(wait_marker "$ndb" 2)
  native_s=$(calc %.2f "$t1 - $t0")
  check="SELECT (SELECT count(*) || '/' || sum(abalance) FROM pgbench_accounts) || ' ' || (SELECT count(*) || '/' || sum(delta) FROM pgbench_history)
         || ' ' || (SELECT sum(tbalance) FROM pgbench_tellers) || ' ' || (SELECT sum(bbalance) FROM pgbench_branches)"
  s=$(sq "$check"); equal=$([ "$s" = "$(dq "$check")" ] && [ "$s" = "$(dq "$check" "$ndb")" ] && echo yes || echo NO)
  $PGMOVE cutover -s "$src" -t "$dst" --dir "$dir" >"$work/cutover-$run.log" 2>&1 || equal="$equal (cutover failed)"
  [ -n "${sync_pid:-}" ] && { wait "$sync_pid" 2>/dev/null || true; sync_pid=; }
  sq "ALTER DATABASE $db CONNECTION LIMIT -1" postgres; sq "ALTER DATABASE $db RESET default_transaction_read_only" postgres
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$run" "$tx" "$tps" "$pgmove_s" "$(calc %.0f "4 * $tx / $pgmove_s")" "$rss" \
    "$native_s" "$(calc %.0f "4 * $tx / $native_s")" "$(calc %.2f "$native_s / $pgmove_s")" "$equal"
  cleanup
done
echo "logs in $work" >&2

#!/usr/bin/env bash
# bench/cutover.sh [SCALE...] - measures the online cutover's write freeze under load, with the shared harness's two
# servers (../shared/bench or $BENCH_HARNESS): for each pgbench SCALE (default: 5 60), a source database of that
# scale, `pgmove sync` until it streams, `pgbench -c 4 -j 2` writing, then `pgmove cutover`; prints the freeze (from
# the fence to the target's release), the verification time after it, and whether every accepted write arrived.
# Env: REPS (default 2), PGMOVE (command to run; default: the Release build of this checkout), KEEP=1 keeps servers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=${BENCH_HARNESS:-$here/../../shared/bench}
[ -x "$harness/clusters.sh" ] || { echo "bench: no harness at $harness (set BENCH_HARNESS)" >&2; exit 2; }
scales=("$@"); [ ${#scales[@]} -gt 0 ] || scales=(5 60)
reps=${REPS:-2}
if [ -z "${PGMOVE:-}" ]; then
  "$here/../scripts/setup.sh" </dev/null
  PGMOVE=$("$here/pgmove-command.sh")
fi
src_port=${SRC_PORT:-55432} dst_port=${DST_PORT:-55433}
pgbin=/usr/lib/postgresql/15/bin
(cd "$harness" && ./clusters.sh start)
[ "${KEEP:-0}" = 1 ] || trap '(cd "$harness" && ./clusters.sh stop >/dev/null)' EXIT
sql() { "$pgbin/psql" -X -q -Atp "$1" -h 127.0.0.1 -U postgres -d "$2" -c "$3"; }
out=$(mktemp -d)

printf 'scale\trun\tfreeze_s\tverify_s\twrites_before_fence\tequal\n'
for scale in "${scales[@]}"; do
  for run in $(seq 1 "$reps"); do
    db=cutover_s$scale
    sql "$src_port" postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"; sql "$src_port" postgres "CREATE DATABASE $db"
    sql "$dst_port" postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    "$pgbin/pgbench" -h 127.0.0.1 -p "$src_port" -U postgres -i --foreign-keys -q -s "$scale" "$db" >/dev/null 2>&1
    src="postgres://postgres@127.0.0.1:$src_port/$db" dst="postgres://postgres@127.0.0.1:$dst_port/$db" dir=$out/$db-$run
    $PGMOVE sync -s "$src" -t "$dst" --dir "$dir" --set-replica-identity-full -j 2 >"$dir.sync.log" 2>&1 &
    sync_pid=$!
    until grep -q '"phase": "streaming"' "$dir/sync.json" 2>/dev/null; do
      kill -0 "$sync_pid" 2>/dev/null || { echo "bench: sync failed, see $dir.sync.log" >&2; exit 1; }; sleep 1
    done
    "$pgbin/pgbench" -h 127.0.0.1 -p "$src_port" -U postgres -c 4 -j 2 -T 600 "$db" >/dev/null 2>&1 &
    bench_pid=$!
    sleep 10
    $PGMOVE cutover -s "$src" -t "$dst" --dir "$dir" >"$dir.cutover.log" 2>&1 || true
    kill "$bench_pid" 2>/dev/null || true; wait "$bench_pid" 2>/dev/null || true
    wait "$sync_pid" || true
    freeze=$(grep -o 'write freeze [0-9.]* s' "$dir.cutover.log" | grep -o '[0-9.]*' | head -1)
    verify=$(grep -o 'equal, [0-9]* tables, in [0-9.]* s' "$dir.cutover.log" | grep -o '[0-9.]* s$' | grep -o '[0-9.]*' || true)
    # Lift the fence the way the cutover printed it, then compare what the source accepted with the target.
    sql "$src_port" postgres "ALTER DATABASE $db CONNECTION LIMIT -1; ALTER DATABASE $db RESET default_transaction_read_only"
    history=$(sql "$src_port" "$db" "SELECT count(*) FROM pgbench_history")
    same=$([ "$history" = "$(sql "$dst_port" "$db" "SELECT count(*) FROM pgbench_history")" ] &&
           [ "$(sql "$src_port" "$db" "SELECT sum(abalance) FROM pgbench_accounts")" = "$(sql "$dst_port" "$db" "SELECT sum(abalance) FROM pgbench_accounts")" ] &&
           echo yes || echo NO)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$run" "${freeze:-?}" "${verify:--}" "$history" "$same"
    sql "$src_port" postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"; sql "$dst_port" postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
done
echo "logs in $out" >&2

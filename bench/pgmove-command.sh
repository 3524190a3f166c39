#!/usr/bin/env bash
# bench/pgmove-command.sh - prints the pgmove command the benches time: the one scripts/setup.sh installs (compiled
# ahead of time, as users run it), else the checkout's Release build. Set PGMOVE to time another build.
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then prefix=${PGMOVE_PREFIX:-/usr/local}; else prefix=${PGMOVE_PREFIX:-$HOME/.local}; fi
if [ -x "$prefix/bin/pgmove" ]; then echo "$prefix/bin/pgmove"
else echo "dotnet $here/../src/PgMove.Cli/bin/Release/net10.0/pgmove.dll"; fi

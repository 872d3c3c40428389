#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs everything Nymph needs to build, run and test on Debian 12, as root. Idempotent:
# it installs only what is missing, and the npm test peers exactly as tests/package-lock.json
# pins them.
set -eu

cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run this as root (it uses apt-get)" >&2
  exit 1
fi

# Build tools, the libraries of DESIGN.md, and what the tests and screenshots use. Every name
# here is a Debian 12 (bookworm) package.
packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsodium-dev libgcrypt20-dev libsecp256k1-dev
  libwebsockets-dev libwebsockets-evlib-glib
  libsoup-3.0-dev glib-networking libjson-glib-dev
  libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev
  libsecret-1-dev gnome-keyring libqrencode-dev
  desktop-file-utils appstream
  xvfb xauth x11-utils imagemagick dbus dbus-x11 at-spi2-core
  fonts-cantarell adwaita-icon-theme hicolor-icon-theme librsvg2-common
  curl ca-certificates nodejs
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-deps.sh: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $missing
fi

# Debian's nodejs package ships without npm; NodeSource's includes it. Install Debian's npm
# only when no npm came with Node.js.
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends npm
fi

# The interop tests run the real Nym client and CosmJS under Node.js 20. `npm ci` installs
# exactly what the lock file pins; it is skipped when node_modules already matches it.
if [ ! -f tests/node_modules/.package-lock.json ] ||
   ! cmp -s tests/package-lock.json tests/node_modules/.nymph-installed-lock 2>/dev/null; then
  (cd tests && npm ci --no-audit --no-fund)
  cp tests/package-lock.json tests/node_modules/.nymph-installed-lock
fi

echo "install-deps.sh: everything is installed"

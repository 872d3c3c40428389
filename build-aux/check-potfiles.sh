#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP test: every file listed in po/POTFILES.in exists, and every source or UI file with
# translatable strings is listed, so no string silently escapes translation.
set -u
cd "$(dirname "$0")/.."

echo "1..2"
missing=""
for f in $(grep -v '^#' po/POTFILES.in); do
  [ -f "$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
  echo "ok 1 - every file in POTFILES.in exists"
else
  echo "not ok 1 - listed but missing:$missing"
fi

unlisted=""
for f in $(grep -rlE '(\b_|\bN_)\("|translatable="yes"' app ui data 2>/dev/null | sort); do
  case "$f" in *.c|*.ui|*.in|*.xml) ;; *) continue ;; esac
  grep -qx "$f" po/POTFILES.in || unlisted="$unlisted $f"
done
if [ -z "$unlisted" ]; then
  echo "ok 2 - every file with translatable strings is listed"
else
  echo "not ok 2 - translatable strings in files not in POTFILES.in:$unlisted"
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# UI smoke test (TAP): start nymph as a user would, under its own X server and D-Bus
# session, wait for its window, save a screenshot, and check the window's title.
# Usage: smoke.sh PATH-TO-NYMPH SCREENSHOT.png
set -u
nymph=$1
shot=$2

if [ -z "${NYMPH_SMOKE_INNER:-}" ]; then
  NYMPH_SMOKE_INNER=1 exec xvfb-run --auto-servernum \
    --server-args="-screen 0 1280x900x24 -nolisten tcp" \
    dbus-run-session -- "$0" "$@"
fi

echo "1..3"
# A fresh, private settings store so the first-run window always looks the same.
export GSETTINGS_BACKEND=memory
"$nymph" >"$shot.log" 2>&1 &
pid=$!

window=""
i=0
while [ $i -lt 100 ]; do
  window=$(xwininfo -root -tree 2>/dev/null | grep -E '"Nymph": \(' | head -n 1)
  [ -n "$window" ] && break
  if ! kill -0 $pid 2>/dev/null; then break; fi
  sleep 0.2
  i=$((i + 1))
done

if [ -n "$window" ]; then
  echo "ok 1 - a window appeared: $window"
else
  echo "not ok 1 - no Nymph window within 20 s"
  sed 's/^/# /' "$shot.log"
  kill $pid 2>/dev/null
  echo "not ok 2 - screenshot # no window"
  echo "not ok 3 - title # no window"
  exit 1
fi

# Give the first frames (fonts, icons) time to settle before the screenshot.
sleep 1.5
if import -window root "$shot" && [ -s "$shot" ]; then
  echo "ok 2 - screenshot saved to $shot"
else
  echo "not ok 2 - import could not take a screenshot"
fi

id=$(echo "$window" | awk '{print $1}')
title=$(xprop -id "$id" _NET_WM_NAME 2>/dev/null | sed -n 's/.*= "\(.*\)"$/\1/p')
if [ "$title" = "Nymph" ]; then
  echo "ok 3 - window title is \"$title\""
else
  echo "not ok 3 - window title is \"$title\", expected \"Nymph\""
fi

kill $pid 2>/dev/null
wait $pid 2>/dev/null
exit 0

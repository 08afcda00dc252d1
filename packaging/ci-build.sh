#!/usr/bin/env bash
# CI step: build the standalone app with build.sh, then run its self-test as an office PC would
# run the copy from a USB stick: an empty environment (env -i: no PATH, so no Python), no
# display (offscreen), a fresh HOME, and a copy in another folder whose name has spaces and
# Chinese in it. Also checks portable mode (portable.txt beside the program keeps the data
# beside it). Prints the folder's size and the time taken.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
packaging/build.sh
built=$(date +%s)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/U盘 副本"
cp -a dist/rectify "$scratch/U盘 副本/"
app="$scratch/U盘 副本/rectify/rectify"

echo "== frozen self-test: env -i QT_QPA_PLATFORM=offscreen HOME=<tmp> rectify selftest"
status=0
env -i QT_QPA_PLATFORM=offscreen HOME="$scratch/home" "$app" selftest > "$scratch/selftest.log" 2>&1 \
  || status=$?
cat "$scratch/selftest.log"
if [ "$status" -ne 0 ] || ! grep -qx "selftest ok" "$scratch/selftest.log"; then
  echo "FAILED: the frozen app's self-test did not print 'selftest ok' (exit $status)" >&2
  exit 1
fi
tested=$(date +%s)

echo "== portable mode: portable.txt beside the program"
touch "$scratch/U盘 副本/rectify/portable.txt"
env -i QT_QPA_PLATFORM=offscreen HOME="$scratch/home" "$app" demo --problems 5 > /dev/null
if [ ! -f "$scratch/U盘 副本/rectify/data/rectify.db" ]; then
  echo "FAILED: portable mode did not keep the database in data/ beside the program" >&2
  exit 1
fi
if [ -e "$scratch/home/.local/share/Rectify" ]; then
  echo "FAILED: portable mode wrote to the user's data directory" >&2
  exit 1
fi
echo "data/rectify.db beside the program; nothing in the user's data directory"

echo "== size: $(du -sm dist/rectify | cut -f1) MB ($(du -sb dist/rectify | cut -f1) bytes)," \
     "$(find dist/rectify -type f | wc -l) files"
echo "== time: build $((built - started)) s, self-test $((tested - built)) s," \
     "total $(( $(date +%s) - started )) s"

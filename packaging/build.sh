#!/usr/bin/env bash
# Build the standalone Linux app: dist/rectify/ (or, with RECTIFY_ONEFILE=1, dist/rectify),
# a .tar.gz of it, and dist/SHA256SUMS. See docs/building.md.
#
#   packaging/build.sh                       # venv .venv, packages from the index
#   RECTIFY_WHEELS=/media/usb/wheels packaging/build.sh   # offline: only those wheels
#   PYTHON=python3.11 RECTIFY_VENV=$HOME/rectify-build-venv packaging/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV=${RECTIFY_VENV:-.venv}
started=$(date +%s)

command -v objdump >/dev/null || {
  echo "PyInstaller needs objdump: sudo apt install binutils" >&2; exit 1; }

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
if [ -n "${RECTIFY_WHEELS:-}" ]; then
  PIP+=(--no-index --find-links "$RECTIFY_WHEELS")
else
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
fi
"${PIP[@]}" -e ".[package]"

version=$("$VENV/bin/python" -c "import desktop; print(desktop.__version__)")
arch=$(uname -m)
rm -rf dist/rectify dist/SHA256SUMS dist/rectify-*.tar.gz
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/rectify.spec
built=$(date +%s)

cd dist
if [ -d rectify ]; then
  archive="rectify-$version-linux-$arch.tar.gz"
  # a tarball keeps the folder's symbolic links, which a FAT-formatted USB stick cannot hold
  tar -czf "$archive" rectify
  { sha256sum "$archive"; find rectify -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } \
    > SHA256SUMS
  size=$(du -sm rectify | cut -f1)
  files=$(find rectify -type f | wc -l)
  echo "文件夹 folder: $ROOT/dist/rectify  ${size} MB, $files files"
else
  archive=""
  sha256sum rectify > SHA256SUMS
  size=$(du -sm rectify | cut -f1)
  echo "单个文件 one file: $ROOT/dist/rectify  ${size} MB"
fi
echo "版本 version $version, build ${arch}, $((built - started)) s"
echo "SHA-256 (dist/SHA256SUMS; check a copy with: sha256sum -c SHA256SUMS):"
if [ -n "$archive" ]; then
  grep -E "  ($archive|rectify/rectify)$" SHA256SUMS
else
  cat SHA256SUMS
fi
if [ "$size" -gt 200 ]; then
  echo "the folder is over 200 MB: check the Qt filters in packaging/rectify.spec" >&2
  exit 1
fi

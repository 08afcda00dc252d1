#!/usr/bin/env bash
# Debian/Ubuntu/Kylin/UOS packages the app and its tests need: Python's venv, the libraries a
# PySide6 wheel loads (also offscreen), the X11/xcb ones for a real window, and a CJK font.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-pip \
  libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 libx11-6 libfreetype6 \
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 \
  libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xinerama0 \
  fonts-wqy-microhei >/dev/null
# building the standalone app (packaging/build.sh, ci-build.sh): PyInstaller reads binaries
# with objdump (binutils) and bundles Python's shared library, which Debian's python3 does not
# install by itself
$SUDO apt-get install -y -qq --no-install-recommends binutils \
  "lib$(/usr/bin/python3 -c 'import sys; print(f"python3.{sys.version_info[1]}")')" >/dev/null

#!/usr/bin/env bash
# Sourced by scripts/demo and scripts/test: makes .venv with everything the app and its
# tests need, on a fresh machine, and again only when pyproject.toml changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
  command -v apt-get >/dev/null || return 0
  echo "[qingxin] installing system packages: $*" >&2
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "[qingxin] Python 3.11 or newer is needed (found: $("$PY" --version 2>&1))." >&2
  exit 1
fi
if ! "$PY" -m venv --help >/dev/null 2>&1; then
  apt_install python3-venv
fi

stamp="$VENV/.pyproject.sha256"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[qingxin] preparing .venv (first run takes a minute)…" >&2
  "$PY" -m venv "$VENV"
  log="$VENV/pip-install.log"
  if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
         "$VENV/bin/python" -m pip install -e "$ROOT[dev]"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "[qingxin] installing the Python packages failed; full log: $log" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# Qt needs a few system libraries; check with the platform the app will use here (xcb on a
# Linux desktop, whose plugin needs more of them than offscreen), and install them only if
# Qt cannot start on it.
qt_platform="${QT_QPA_PLATFORM:-}"
if [ -z "$qt_platform" ]; then
  if [ "$(uname)" = Linux ] && [ -n "${DISPLAY:-}" ]; then qt_platform=xcb; else qt_platform=offscreen; fi
fi
qt_starts() {
  QT_QPA_PLATFORM="$qt_platform" "$VENV/bin/python" -c \
    'from PySide6.QtWidgets import QApplication; QApplication([])' >/dev/null 2>&1
}
if ! qt_starts; then
  apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
    libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libx11-xcb1
  qt_starts || echo "[qingxin] Qt still cannot start with QT_QPA_PLATFORM=$qt_platform;" \
    "run with QT_QPA_PLATFORM=offscreen, or see docs/DEPLOYMENT.md" >&2
fi
export PATH="$VENV/bin:$PATH"

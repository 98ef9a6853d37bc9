#!/usr/bin/env bash
# The web client in a real browser: headless Chromium (Debian's chromium and
# chromium-driver, driven by selenium from PyPI in a venv under .build/) against
# `chatctl serve all` on the embedded store in a temporary directory, on free ports.
# Two people sign up, chat in one room, get each other's notifications; the server is
# stopped and started again while one of them is away, and both pages must end with
# every message exactly once (scripts/web-client-test.py says what is checked).
#
#   scripts/check-web-client.sh                      # CHATCTL_BIN, default .build/debug/chatctl
#
# A screenshot of the room after the exchange goes to .build/web-client.png. The server
# is stopped on every path, whatever happens to the test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

BIN="${CHATCTL_BIN:-.build/debug/chatctl}"
[ -x "$BIN" ] || { echo "error: $BIN is not an executable chatctl (build it, or set CHATCTL_BIN)" >&2; exit 1; }

ensure_packages "${WEB_CLIENT_PACKAGES[@]}"
VENV=.build/web-client-venv
if [ ! -x "$VENV/bin/python3" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { ensure_packages python3-venv; python3 -m venv "$VENV"; }
fi
"$VENV/bin/python3" -m pip install -q --disable-pip-version-check 'selenium>=4.20,<5'

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatctl-web-client-XXXXXX")"
TEST_PID=""
cleanup() {
    # The test stops its server and browsers itself; a test that was killed leaves them in
    # its process group (its own session): stop that group, resuming a paused server.
    if [ -n "$TEST_PID" ] && kill -0 -- "-$TEST_PID" 2>/dev/null; then
        kill -TERM -- "-$TEST_PID" 2>/dev/null || true
        kill -CONT -- "-$TEST_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 -- "-$TEST_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$TEST_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> web client in headless Chromium ($("$VENV/bin/python3" -c 'import selenium; print("selenium", selenium.__version__)'), $(chromium --version 2>/dev/null | head -1))"
setsid "$VENV/bin/python3" scripts/web-client-test.py --bin "$BIN" --work "$WORK" --screenshot .build/web-client.png &
TEST_PID=$!
wait "$TEST_PID"

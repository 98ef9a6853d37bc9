#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs the main job: `chatctl serve all` on the
# embedded default (SQLite under ./data, in-process cache, fan-out and queue).
#
#   ./scripts/run.sh                 # chat service on http://0.0.0.0:8000
#   CHATCTL_CHAT_PORT=9000 ./scripts/run.sh
#
# The secret key comes from SECRET_KEY when set; otherwise one is generated once into
# data/secret_key (mode 600) and reused, so tokens survive restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"

echo "==> building chatctl (release; the first build takes several minutes)"
# The Swift runtime is linked in: the binary needs only Debian's libraries
# (deploy/README.md installs it on machines without Swift).
swift build -c release --product chatctl --static-swift-stdlib

data_dir="${CHATCTL_DATA_DIR:-data}"
mkdir -p "$data_dir"
if [ -z "${SECRET_KEY:-}" ] && [ -z "${CHATCTL_SECRET_KEY:-}" ]; then
    if [ ! -s "$data_dir/secret_key" ]; then
        (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data_dir/secret_key")
        echo "==> generated a secret key in $data_dir/secret_key"
    fi
    SECRET_KEY="$(cat "$data_dir/secret_key")"
    export SECRET_KEY
fi

echo "==> starting: chatctl serve all (Ctrl-C stops it gracefully)"
exec .build/release/chatctl serve all --data-dir "$data_dir" "$@"

#!/usr/bin/env bash
# Checks /metrics of every chatctl service with Prometheus's own linter:
# `promtool check metrics` (Debian's prometheus package) must accept the exposition of
# the chat, notification and scheduler services, after some traffic so that labelled
# metrics (requests by route and status) are present too.
#
#   scripts/check-metrics.sh            # CHATCTL_BIN defaults to .build/debug/chatctl
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
BIN="${CHATCTL_BIN:-.build/debug/chatctl}"
ensure_packages prometheus

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatctl-metrics-XXXXXX")"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do stop_chatctl "$pid"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
export SECRET_KEY="metrics-check-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

start_chatctl "$BIN" "$WORK/all" all
PIDS+=("$SERVED_PID")
start_chatctl "$BIN" "$WORK/scheduler" scheduler
PIDS+=("$SERVED_PID")

# Traffic, so that every kind of metric has samples: a signup, a login, a refused login.
base="http://127.0.0.1:$CHAT_PORT"
curl -fsS -o /dev/null -X POST "$base/api/user/signup/" -H 'Content-Type: application/json' \
    -d '{"username":"metrics","email":"metrics@example.com","password":"correct horse battery"}'
curl -fsS -o /dev/null -X POST "$base/api/user/login/" -H 'Content-Type: application/json' \
    -d '{"username":"metrics","password":"correct horse battery"}'
curl -sS -o /dev/null -X POST "$base/api/user/login/" -H 'Content-Type: application/json' \
    -d '{"username":"metrics","password":"wrong"}'

status=0
for service in "chat:$CHAT_PORT" "notify:$NOTIFY_PORT" "scheduler:$SCHEDULER_PORT"; do
    name="${service%%:*}" port="${service##*:}"
    if curl -fsS "http://127.0.0.1:$port/metrics" | promtool check metrics; then
        echo "==> promtool accepts /metrics of the $name service"
    else
        echo "error: promtool check metrics refused /metrics of the $name service (above)" >&2
        status=1
    fi
done
exit "$status"

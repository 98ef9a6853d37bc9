#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test: one build, then the tests.
#
#   ./scripts/test.sh                  # all tests
#   ./scripts/test.sh --filter Socket  # extra arguments go to `swift test`
#
# Servers: MongoDB tests use MONGODB_TEST_URI when set, else ../shared/mongo-standin
# started here on a free loopback port (its Python deps go into a venv under .build/).
# Redis tests start Debian's redis-server themselves, one per test on a free port;
# RabbitMQ tests start rabbitmq-server nodes the same way (a shared one, ~9 s to start).
# Every server started here is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_SERVER_PACKAGES[@]}" "${TEST_TOOL_PACKAGES[@]}" "${PYTHON_TOOL_PACKAGES[@]}"

echo "==> building (debug, with tests)"
swift build --build-tests

echo "==> checking that man/ matches --help"
scripts/generate-man.sh --check

echo "==> verifying the systemd units"
scripts/verify-units.sh .build/debug/chatctl

note_epmd
# Every temporary file of the tests (SQLite stores, server directories, CLI data dirs)
# goes under one directory that is removed at the end, after the servers stop.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/chatctl-tests.XXXXXX")
export TMPDIR=$TEST_TMP
trap 'stop_test_servers; rm -rf "$TEST_TMP"' EXIT
start_mongo_standin

echo "==> testing"
if [ $# -gt 0 ]; then
    swift test --skip-build "$@"
else
    # The fault suites start brokers, stores and several servers of their own and kill
    # them; they run after the rest, so their load does not skew timing-sensitive tests.
    FAULT_SUITES='FaultSuiteTests|PendingEventRelayTests'
    swift test --skip-build --skip "$FAULT_SUITES"
    echo "==> testing faults"
    swift test --skip-build --filter "$FAULT_SUITES"
fi

if [ $# -eq 0 ]; then
    echo "==> load script, small (the 10,000-socket run is scripts/load-10k.sh)"
    CHATCTL_BIN=.build/debug/chatctl scripts/load-10k.sh 300 3
    echo "==> /metrics of every service through promtool"
    CHATCTL_BIN=.build/debug/chatctl scripts/check-metrics.sh
    echo "==> OpenAPI contract check (schemathesis against both services)"
    CHATCTL_BIN=.build/debug/chatctl scripts/check-openapi.sh
    echo "==> the web client in headless Chromium"
    CHATCTL_BIN=.build/debug/chatctl scripts/check-web-client.sh
fi

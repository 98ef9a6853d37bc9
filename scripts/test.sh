#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test: one build, then the tests.
#
#   ./scripts/test.sh                  # all tests
#   ./scripts/test.sh --filter Socket  # extra arguments go to `swift test`
#
# Today's tests need no external server (the embedded backends and the chat service
# run in-process over real sockets). When tests for MongoDB, Redis and RabbitMQ land,
# this script installs and starts those servers on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"

echo "==> building (debug, with tests)"
swift build --build-tests

echo "==> checking that man/ matches --help"
scripts/generate-man.sh --check

echo "==> testing"
swift test --skip-build "$@"

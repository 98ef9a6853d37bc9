#!/usr/bin/env bash
# Checks the systemd units in deploy/systemd with `systemd-analyze verify` (Debian's
# systemd package provides it; no running systemd is needed). The units name
# /usr/local/bin/chatctl; verify checks that the binary exists, so the copies checked
# here point at the one just built.
#
#   scripts/verify-units.sh [path/to/chatctl]   # default: .build/debug/chatctl
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:-.build/debug/chatctl}")"
[[ -x "$binary" ]] || { echo "error: $binary is not an executable; build first" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "error: systemd-analyze not found: apt-get install systemd" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for unit in deploy/systemd/*.service deploy/systemd/*.timer; do
    sed "s#/usr/local/bin/chatctl#$binary#g" "$unit" >"$scratch/$(basename "$unit")"
done
# --man=no: the man pages are installed by the operator (deploy/README.md), not here.
output="$(cd "$scratch" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1)" || {
    echo "$output" >&2
    echo "error: systemd-analyze verify failed on deploy/systemd" >&2
    exit 1
}
# verify exits 0 on some warnings (unknown keys, bad sections); treat any output as failure.
if [[ -n "$output" ]]; then
    echo "$output" >&2
    echo "error: systemd-analyze verify warned about deploy/systemd" >&2
    exit 1
fi
echo "systemd units verified: $(ls deploy/systemd | tr '\n' ' ')"

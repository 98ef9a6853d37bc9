#!/usr/bin/env bash
# Regenerates man/ from the command tree with swift-argument-parser's GenerateManual
# plugin (one page per command), or with --check fails when man/ is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_swift

# A fixed date keeps the pages reproducible; bump it with the version.
MAN_DATE="2026-11-29"
out=".build/plugins/GenerateManual/outputs/chatctl"
rm -rf "$out"
swift package plugin generate-manual --multi-page --date "$MAN_DATE" --configuration debug \
    --authors "chatctl developers" >/dev/null
if [ "${1:-}" = "--check" ]; then
    if ! diff -r "$out" man >/dev/null; then
        diff -r "$out" man || true
        echo "error: man/ is stale; run scripts/generate-man.sh and commit the result" >&2
        exit 1
    fi
    echo "man/ is up to date"
else
    rm -rf man && mkdir -p man && cp "$out"/*.1 man/
    echo "wrote $(ls man | wc -l) pages to man/"
fi

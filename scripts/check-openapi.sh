#!/usr/bin/env bash
# The OpenAPI contract check: runs `chatctl serve all` on the embedded store (a temporary
# directory, free loopback ports) and fuzzes each service with schemathesis against the
# document it serves at /openapi.json: the document's examples, boundary values, random
# valid and invalid data (positive and negative modes) and stateful sequences through the
# document's links. Fails on any 5xx, any status, header, content type or body the
# document does not declare, valid data refused or invalid data accepted, a response
# slower than 10 s, a run over its time bound, and a server that died.
#
#   scripts/check-openapi.sh [schemathesis run options…]     e.g. --seed 1234
#
# CHATCTL_BIN is the binary (default .build/debug/chatctl); OPENAPI_MAX_EXAMPLES caps the
# examples per operation and phase (default 25); OPENAPI_RUN_TIMEOUT bounds each service's
# run in seconds (default 900). schemathesis (pinned) goes into a venv under .build/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
BIN="${CHATCTL_BIN:-.build/debug/chatctl}"
MAX_EXAMPLES="${OPENAPI_MAX_EXAMPLES:-25}"
RUN_TIMEOUT="${OPENAPI_RUN_TIMEOUT:-900}"
SCHEMATHESIS_VERSION=4.32.5
WEBSOCKETS_VERSION=15.0.1
[ -x "$BIN" ] || { echo "error: $BIN is not an executable; build first (swift build) or set CHATCTL_BIN" >&2; exit 1; }

VENV=".build/schemathesis-venv"
case "$("$VENV/bin/st" --version 2>/dev/null || true)" in
    *" $SCHEMATHESIS_VERSION"*) ;;
    *)
        echo "==> installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
        python3 -m venv "$VENV" 2>/dev/null || { ensure_packages python3-venv; python3 -m venv --clear "$VENV"; }
        "$VENV/bin/python3" -m pip install -q --disable-pip-version-check \
            "schemathesis==$SCHEMATHESIS_VERSION" "websockets==$WEBSOCKETS_VERSION"
        ;;
esac
VENV="$PWD/$VENV"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatctl-openapi-XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SECRET_KEY="openapi-check-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CHATCTL_LOG_LEVEL=notice
# Per-address login limiting off: every request comes from 127.0.0.1, and once it locked
# the address no login could succeed. The per-username limit (429 with Retry-After) stays.
export CHATCTL_LOGIN_FAILURES_PER_IP=0
DATA=(--data-dir "$WORK/data")

# The fuzzing user and a sender whose message gives it a notification to list. The
# fuzzing user gets two tokens: one for every call, one for logout alone (a logout revokes
# its token; the first token must stay valid for the whole run).
PASSWORD="openapi-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for user in openapi openapi-sender; do
    printf '%s\n' "$PASSWORD" | "$BIN" users create "$user" --email "$user@example.com" --password-stdin "${DATA[@]}" >/dev/null
done
TOKEN="$("$BIN" token issue openapi "${DATA[@]}")"
LOGOUT_TOKEN="$("$BIN" token issue openapi "${DATA[@]}")"
SENDER_TOKEN="$("$BIN" token issue openapi-sender "${DATA[@]}")"

"$BIN" serve all --host 127.0.0.1 --port 0 --notify-port 0 "${DATA[@]}" 2> "$WORK/server.log" &
SERVER_PID=$!
listening_port() {
    sed -n "s/.*msg=\"$1 listening\".* port=\([0-9]*\).*/\1/p" "$WORK/server.log" | head -1
}
CHAT_PORT="" NOTIFY_PORT=""
for _ in $(seq 1 600); do
    CHAT_PORT="$(listening_port "chat service")" NOTIFY_PORT="$(listening_port "notify service")"
    [ -n "$CHAT_PORT" ] && [ -n "$NOTIFY_PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "error: chatctl serve all exited" >&2; exit 1; }
    sleep 0.1
done
[ -n "$CHAT_PORT" ] && [ -n "$NOTIFY_PORT" ] || { cat "$WORK/server.log" >&2; echo "error: chatctl serve all not listening within 60 s" >&2; exit 1; }
CHAT="http://127.0.0.1:$CHAT_PORT" NOTIFY="http://127.0.0.1:$NOTIFY_PORT"
echo "==> chat service on $CHAT, notification service on $NOTIFY (pid $SERVER_PID)"
# Both serve the file in the repository (a stale binary would be checked against an old one).
for base in "$CHAT" "$NOTIFY"; do
    curl -fsS "$base/openapi.json" | cmp -s - Sources/ChatServer/OpenAPI/openapi.json ||
        { echo "error: $base/openapi.json is not Sources/ChatServer/OpenAPI/openapi.json: rebuild $BIN" >&2; exit 1; }
done

# One notification for the fuzzing user, so that listing it returns one to check: it
# creates a room, the sender joins it over WebSocket and posts.
curl -fsS -o /dev/null -X POST "$CHAT/api/room/create/" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"openapi-check"}'
"$VENV/bin/python3" - "ws://127.0.0.1:$CHAT_PORT/ws/join/?name=openapi-check&token=$SENDER_TOKEN" <<'EOF'
import asyncio, json, sys
import websockets

async def post(url):
    async with websockets.connect(url, open_timeout=30) as socket:
        await asyncio.wait_for(socket.recv(), 30)  # the room's history
        await socket.send(json.dumps({"type": "message", "content": "for the OpenAPI check"}))
        frame = json.loads(await asyncio.wait_for(socket.recv(), 30))  # the stored message, back
        if frame.get("type") != "message":
            sys.exit(f"error: expected the stored message, got {frame}")

asyncio.run(post(sys.argv[1]))
EOF
notified=""
for _ in $(seq 1 300); do
    case "$(curl -fsS "$NOTIFY/api/notifications/" -H "Authorization: Bearer $TOKEN" || true)" in
        *'"ID"'*) notified=yes; break ;;
    esac
    sleep 0.1
done
[ -n "$notified" ] || { echo "error: the seeded message did not become a notification within 30 s" >&2; exit 1; }

# The operations whose valid requests the service answers with more than the statuses
# schemathesis expects of accepted data (2xx, 3xx, 401, 403, 404, 409, 429): 400 where the
# Go contract answers 400 to well-formed requests (unknown login, taken room name, unknown
# room) or the document cannot state a limit exactly (passwords, emails and report reasons
# count UTF-8 bytes; JSON Schema counts characters; a reason of whitespace only or with a
# control character is refused too), and 426 for a WebSocket endpoint asked without an
# upgrade.
accepting() {
    local id=$1 code; shift
    local statuses='"2xx", "3xx", "401", "403", "404", "409", "429", "5xx"'
    for code in "$@"; do statuses+=", \"$code\""; done
    printf '\n[[operations]]\ninclude-operation-id = "%s"\nchecks.positive_data_acceptance.expected-statuses = [%s]\n' "$id" "$statuses"
}
{
    printf 'headers = { Authorization = "Bearer %s" }\n' "$TOKEN"
    printf '\n[[operations]]\ninclude-operation-id = "logOut"\nheaders = { Authorization = "Bearer %s" }\n' "$LOGOUT_TOKEN"
    accepting signUp 400
    accepting logIn 400
    accepting createRoom 400
    accepting reportMessage 400
    accepting joinRoom 400 426
} > "$WORK/chat.toml"
{
    printf 'headers = { Authorization = "Bearer %s" }\n' "$TOKEN"
    accepting joinNotifications 426
} > "$WORK/notification.toml"

# unsupported_method is left out: a method a path does not have gets 404, not 405 (the
# router does not tell a missing method from a missing path). The notification service's
# operations have no links between them, so no stateful phase there.
fuzz() {
    local service=$1 base=$2 phases=$3; shift 3
    echo "==> schemathesis: the $service service"
    (cd "$WORK" && timeout "$RUN_TIMEOUT" "$VENV/bin/st" --config-file "$WORK/$service.toml" run "$base/openapi.json" \
        --url "$base" --include-tag "$service" \
        --checks all --exclude-checks unsupported_method --max-response-time 10 \
        --mode all --phases "$phases" --max-examples "$MAX_EXAMPLES" \
        --workers 1 --request-timeout 30 --generation-database none "$@")
}
status=0
fuzz chat "$CHAT" examples,coverage,fuzzing,stateful "$@" || status=1
fuzz notification "$NOTIFY" examples,coverage,fuzzing "$@" || status=1
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$WORK/server.log" >&2
    echo "error: chatctl serve all died during the run" >&2
    status=1
fi
if [ "$status" -eq 0 ]; then echo "==> OpenAPI check passed"; else echo "==> OpenAPI check FAILED" >&2; fi
exit "$status"

#!/usr/bin/env bash
# Side-by-side fan-out figures: chatctl (release build, embedded SQLite store: every
# message stored before broadcast) against the Go hub and Node `ws` peers from
# ../shared/bench (in-memory relays that store nothing), all driven by the same
# reference generator (fanout-bench), alternating servers, a fresh server per run.
#
# Usage: Benchmarks/fanout/compare.sh [duration=20s] [scenarios="i ii iii"] [rounds=1]
#   PEERS="gohub nodews chatctl" (default) picks the servers; an entry chatctl:PATH runs
#   that chatctl binary instead, so two builds can be compared A/B, alternating:
#   PEERS="chatctl:/tmp/chatctl-a chatctl:/tmp/chatctl-b" compare.sh 12s iii 3
# Needs: apt-get install -y golang-go golang-github-gorilla-websocket-dev node-ws
# Output: one JSON line per run on stdout (also in $OUT, default /tmp/chatctl-fanout.jsonl).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20s}
SCENARIOS=${2:-"i ii iii"}
ROUNDS=${3:-1}
OUT=${OUT:-/tmp/chatctl-fanout.jsonl}
SHARED=${SHARED:-../shared/bench}
WORK=${WORK:-/tmp/chatctl-bench-tools}

# Build the generator and the Go hub outside ../shared (read-only).
mkdir -p "$WORK"
cp -r "$SHARED"/. "$WORK"/
export GO111MODULE=off GOPATH=/tmp/gopath:/usr/share/gocode
(cd "$WORK/fanout-bench" && [ -x fanout-bench ] || go build -o fanout-bench .)
(cd "$WORK/peers/gohub" && [ -x gohub ] || go build -o gohub .)
[ -x .build/release/chatctl ] || swift build -c release --product chatctl
CHATCTL=$PWD/.build/release/chatctl
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

declare -A SCEN=(
  [i]="-clients 1000 -senders 1 -rate 100"
  [ii]="-clients 100 -senders 10 -rate 0 -window 100"
  [iii]="-clients 1000 -rooms 100 -senders 1000 -rate 2"
)
PORT=18090
SPID=""
DATA=""
stop_server() {
  if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; fi
  if [ -n "$DATA" ]; then rm -rf "$DATA"; fi
  SPID=""; DATA=""
}
trap stop_server EXIT
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.1; done; echo "server did not start" >&2; return 1; }

start_server() { # peer scenario
  local binary=$CHATCTL
  case $1 in chatctl:*) binary=${1#chatctl:} ;; esac
  case $1 in
    gohub) "$WORK/peers/gohub/gohub" -addr 127.0.0.1:$PORT >/dev/null 2>&1 & SPID=$! ;;
    nodews) NODE_PATH=/usr/share/nodejs node "$WORK/peers/node-ws/server.js" $PORT >/dev/null 2>&1 & SPID=$! ;;
    chatctl|chatctl:*)
      DATA=$(mktemp -d)
      export SECRET_KEY=bench-compare-secret-0123456789abcdef
      # The per-socket message rate limit is lifted for load tests, and so is the
      # per-user connection limit: the reference generator connects every client with
      # one user's token.
      CHATCTL_MESSAGE_RATE_LIMIT=0 CHATCTL_LIMITS_CONNECTIONS_PER_USER=0 CHATCTL_LOG_LEVEL=warning "$binary" serve chat --host 127.0.0.1 --port $PORT --data-dir "$DATA" >/dev/null 2>&1 & SPID=$!
      ;;
  esac
  wait_port
}

# chatctl needs a token and existing rooms; one user for every socket is enough.
chatctl_fixture() { # scenario -> prints the token
  local rooms=1; [[ ${SCEN[$1]} =~ -rooms\ ([0-9]+) ]] && rooms=${BASH_REMATCH[1]}
  local base="http://127.0.0.1:$PORT"
  curl -sf -X POST "$base/api/user/signup/" -H 'Content-Type: application/json' \
    -d '{"username":"bencher","email":"bencher@example.com","password":"correct horse"}' >/dev/null
  local token; token=$(curl -sf -X POST "$base/api/user/login/" -H 'Content-Type: application/json' \
    -d '{"username":"bencher","password":"correct horse"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  if [ "$rooms" = 1 ]; then names=bench; else names=$(seq -f "bench-%g" 0 $((rooms - 1))); fi
  for name in $names; do
    curl -sf -X POST "$base/api/room/create/" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "{\"name\":\"$name\"}" >/dev/null
  done
  echo "$token"
}

run() { # peer scenario round
  start_server "$1" "$2"
  local token=dummy
  case $1 in chatctl|chatctl:*) token=$(chatctl_fixture "$2") ;; esac
  "$WORK/fanout-bench/fanout-bench" -url "ws://127.0.0.1:$PORT/ws/join/?name=bench" ${SCEN[$2]} -skip-first-frame \
    -payload 64 -duration "$DURATION" -server-pid "$SPID" -label "$1/$2/r$3" -header "Authorization: Bearer $token" | tee -a "$OUT"
  stop_server
  sleep 1
}

for round in $(seq "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for peer in ${PEERS:-gohub nodews chatctl}; do run "$peer" "$scenario" "$round"; done
  done
done

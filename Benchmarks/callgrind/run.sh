#!/usr/bin/env bash
# Instructions per post and per delivery, by component: a fixed number of posts through a
# real `chatctl serve chat` (the embedded default: SQLite in a fresh directory, in-process
# cache, fan-out and event queue) running under `valgrind --tool=callgrind`, driven by the
# product's own generator (`chatctl bench fanout`, not under valgrind). Instruction counts
# do not depend on how busy the box is, so one run judges a change. BENCHMARKS.md,
# "Instructions per post (callgrind)", has figures and the A/B recipe.
#
# Usage: Benchmarks/callgrind/run.sh [--messages N] [--rooms R] [--clients-per-room C]
#          [--binary PATH] [--rate P] [--out DIR] [--json]
#   --messages N          posts in all (default 2000)
#   --rooms R             rooms (default 100)
#   --clients-per-room C  sockets per room (default 10): R × C sockets, every one a sender
#   --binary PATH         the chatctl to measure (default .build/release/chatctl; nothing is built)
#   --rate P              posts per second, all senders together (default 100). The server
#                         under callgrind uses about a third of a core at 100/s, so each post
#                         is stored and fanned out on its own, as on an unloaded server.
#                         Batching (group commit, one flush for several frames) and the
#                         time-driven work per post (pings, timers) depend on the rate:
#                         compare builds at the same settings.
#   --out DIR             keep the run's files there (default: a new /tmp/chatctl-callgrind.*)
#   --json                print the report as JSON (it is always written to DIR/report.json)
#
# How the measured window is cut, with no timing involved:
#   * the server starts with instrumentation off (--instr-atstart=no): start-up and
#     migrations run at near-native speed and count nothing; `callgrind_control -i on`
#     switches it on once the server listens, before the generator connects;
#   * --zero-before=RoomConnection.goLive: a socket's join ends by going live (its
#     history frame is out), and each time the counters are zeroed, so they start at the
#     last join (the generator connects every socket, waits until all have joined, settles
#     half a second, and only then sends);
#   * --dump-before=RoomSocket.closeStarted: the first socket to close dumps the counters
#     (the generator closes its sockets once it stops waiting for deliveries), so the
#     dump callgrind.out.PID.1 holds the posts and their deliveries, none of the joins and
#     none of the closes. Instrumentation goes off again once it is written (the later
#     closes would each dump again; those files and the one written at exit are not read).
#
# The generator cannot send a fixed count; it sends at a rate for a duration. So every
# socket sends (or, when R × C does not divide N, the fewest sockets that do), N / senders
# posts each, the senders staggered over one interval, for a duration 1 ms short of the
# next round: exactly N posts unless a sender starts later than one inter-post gap
# (1 / --rate). The figures are divided by the posts and deliveries the generator counted;
# annotate.py prints the profile's own counts beside them as a check of the window.
#
# Needs: valgrind (callgrind_control, vgdb), binutils (objcopy), python3, swift-demangle
# (the Swift toolchain).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

MESSAGES=2000
ROOMS=100
CLIENTS_PER_ROOM=10
BINARY=.build/release/chatctl
RATE=100
OUT=""
JSON=()
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --messages|--rooms|--clients-per-room|--binary|--rate|--out)
            [ $# -ge 2 ] || { echo "error: $1 needs a value (see --help)" >&2; exit 2; } ;;&
        --messages) MESSAGES=$2; shift 2 ;;
        --rooms) ROOMS=$2; shift 2 ;;
        --clients-per-room) CLIENTS_PER_ROOM=$2; shift 2 ;;
        --binary) BINARY=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --json) JSON=(--json); shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for pair in "--messages:$MESSAGES" "--rooms:$ROOMS" "--clients-per-room:$CLIENTS_PER_ROOM"; do
    [[ ${pair#*:} =~ ^[1-9][0-9]*$ ]] || { echo "error: ${pair%%:*} must be a positive integer, not '${pair#*:}'" >&2; exit 2; }
done
if ! [[ $RATE =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v r="$RATE" 'BEGIN { exit !(r > 0) }'; then
    echo "error: --rate must be a positive number, not '$RATE'" >&2
    exit 2
fi
[ -x "$BINARY" ] || { echo "error: --binary $BINARY is not an executable (build one: swift build -c release --product chatctl)" >&2; exit 2; }
for tool in valgrind callgrind_control objcopy python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install valgrind binutils python3)" >&2; exit 2; }
done
BINARY=$(cd "$(dirname "$BINARY")" && pwd)/$(basename "$BINARY")
HERE=$PWD/Benchmarks/callgrind

# Senders and posts per sender: every socket if they divide N, else the fewest posts per
# sender for which the senders divide N.
CLIENTS=$((ROOMS * CLIENTS_PER_ROOM))
PER_SENDER=$(((MESSAGES + CLIENTS - 1) / CLIENTS))
while [ $((MESSAGES % PER_SENDER)) -ne 0 ]; do PER_SENDER=$((PER_SENDER + 1)); done
SENDERS=$((MESSAGES / PER_SENDER))
# Sender i posts at i·T/S + k·T (T = S / rate, one sender's interval), k = 0…PER_SENDER-1;
# the duration ends 1 ms before sender 0's next post (the generator reads whole ms).
DURATION=$(awk -v s="$SENDERS" -v r="$RATE" -v k="$PER_SENDER" 'BEGIN { printf "%.3f", (int(k * s / r * 1000) - 1) / 1000 }')
SENDER_RATE=$(awk -v s="$SENDERS" -v r="$RATE" 'BEGIN { printf "%.9g", r / s }')
# The server's per-socket rate limit (20 a second by default) stays on, as in production,
# unless one sender would exceed it.
if awk -v r="$SENDER_RATE" 'BEGIN { exit !(r >= 20) }'; then
    echo "note: $SENDER_RATE posts/s per sender is over the default message rate limit; the server runs with CHATCTL_MESSAGE_RATE_LIMIT=0" >&2
    export CHATCTL_MESSAGE_RATE_LIMIT=0
fi

WORK=${OUT:-$(mktemp -d /tmp/chatctl-callgrind.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
rm -rf "$WORK/data" "$WORK"/callgrind.out.* "$WORK/valgrind.log" "$WORK/report.json"
echo "==> $MESSAGES posts: $SENDERS senders × $PER_SENDER over $ROOMS rooms × $CLIENTS_PER_ROOM sockets, $RATE posts/s for ${DURATION} s; files in $WORK" >&2

# Valgrind 3.19 (Debian 12) gives up on the DWARF 5 debug info the Swift toolchain
# writes; the server runs from a copy without it (`objcopy --strip-debug`: the same code
# and symbol table, so callgrind still names every function; no source lines).
SERVER_BINARY="$WORK/chatctl-nodebug"
objcopy --strip-debug "$BINARY" "$SERVER_BINARY"

# The server under callgrind: start_chatctl runs this wrapper as the binary (it execs,
# so the pid start_chatctl records is valgrind's). The patterns are mangled names:
# valgrind does not demangle Swift.
cat > "$WORK/chatctl-under-callgrind" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --instr-atstart=no \\
    --zero-before='\$s10ChatServer14RoomConnectionC6goLive*' \\
    --dump-before='*10RoomSocketC*12closeStarted*' \\
    --callgrind-out-file='$WORK/callgrind.out.%p' --log-file='$WORK/valgrind.log' \\
    '$SERVER_BINARY' "\$@"
EOF
chmod +x "$WORK/chatctl-under-callgrind"

export SECRET_KEY="callgrind-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# The product's default log level (start_chatctl's own default is notice).
export CHATCTL_LOG_LEVEL=${CHATCTL_LOG_LEVEL:-info}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SERVED_PID=""
BENCH_PID=""
cleanup() {
    [ -z "$BENCH_PID" ] || kill "$BENCH_PID" 2>/dev/null || true
    stop_chatctl "$SERVED_PID"
}
trap cleanup EXIT
start_chatctl "$WORK/chatctl-under-callgrind" "$WORK" chat
echo "==> serve chat under callgrind: pid $SERVED_PID, port $CHAT_PORT" >&2
callgrind_control -i on "$SERVED_PID" >/dev/null 2>&1

# The generator provisions its users and rooms in the same store (same data dir and
# SECRET_KEY: it signs their tokens) and deletes them afterwards.
"$BINARY" bench fanout --data-dir "$WORK/data" --url "http://127.0.0.1:$CHAT_PORT" --server-pid "$SERVED_PID" \
    --clients "$CLIENTS" --rooms "$ROOMS" --senders "$SENDERS" --rate "$SENDER_RATE" --duration "$DURATION" \
    --payload 64 --json > "$WORK/bench.json" 2> "$WORK/bench.err" &
BENCH_PID=$!
WINDOW="$WORK/callgrind.out.$SERVED_PID.1"
while kill -0 "$BENCH_PID" 2>/dev/null; do
    if [ -s "$WINDOW" ]; then
        callgrind_control -i off "$SERVED_PID" >/dev/null 2>&1 || true
        break
    fi
    sleep 0.2
done
BENCH_STATUS=0
wait "$BENCH_PID" || BENCH_STATUS=$?
BENCH_PID=""
stop_chatctl "$SERVED_PID"
SERVED_PID=""
rm -rf "$WORK/data" "$SERVER_BINARY"
[ -s "$WORK/bench.json" ] || { cat "$WORK/bench.err" >&2; echo "error: chatctl bench fanout failed (status $BENCH_STATUS)" >&2; exit 1; }
[ -s "$WINDOW" ] || { echo "error: no dump at the first socket close ($WINDOW); see $WORK/valgrind.log" >&2; exit 1; }
[ "$BENCH_STATUS" -eq 0 ] || echo "warning: chatctl bench fanout exited $BENCH_STATUS (something was lost or dropped): see $WORK/bench.json" >&2

read -r SENT DELIVERED < <(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["sent"], r["delivered"])' "$WORK/bench.json")
[ "$SENT" -eq "$MESSAGES" ] || echo "warning: the generator sent $SENT posts, not $MESSAGES (a sender started late): the figures are per post sent" >&2
echo "==> generator: sent $SENT, delivered $DELIVERED; profile $WINDOW" >&2
python3 "$HERE/annotate.py" "$WINDOW" --posts "$SENT" --deliveries "$DELIVERED" --json > "$WORK/report.json"
if [ ${#JSON[@]} -gt 0 ]; then cat "$WORK/report.json"; else python3 "$HERE/annotate.py" --show "$WORK/report.json"; fi

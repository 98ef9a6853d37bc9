# Shared helpers for the scripts in this folder (sourced, not run).

# The Debian packages the build needs: the C libraries behind MongoKit, RedisKit and
# AMQPKit, SQLite for GRDB, OpenSSL, pkg-config; curl for the walkthrough.
BUILD_PACKAGES=(pkg-config libmongoc-dev libbson-dev libhiredis-dev librabbitmq-dev libssl-dev libsqlite3-dev curl)

# Installs the given Debian packages that are missing (apt-get update once, only if needed).
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Fails with a clear message when the Swift toolchain is absent.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "error: the Swift 6 toolchain is not on PATH (expected 'swift' or /opt/swift/usr/bin/swift); install it from swift.org" >&2
            exit 1
        fi
    fi
}

# Servers the tests start themselves (each test its own, on a free port).
# RabbitMQ nodes are started by the tests too (RabbitMQTestServer: one shared node, plus
# one per test that stops its broker), each with its own name, ports and directory.
TEST_SERVER_PACKAGES=(redis-server rabbitmq-server)

# The browser scripts/check-web-client.sh drives (selenium itself comes from PyPI).
WEB_CLIENT_PACKAGES=(chromium chromium-driver)

# Tools the checks use: systemd-analyze (from systemd) verifies deploy/systemd; gdb
# prints the stacks of a chatctl process a test expected to exit and found still running;
# promtool (from prometheus) lints each service's /metrics; the web client check's
# browser (WEB_CLIENT_PACKAGES).
TEST_TOOL_PACKAGES=(systemd gdb prometheus "${WEB_CLIENT_PACKAGES[@]}")

# Python's venv module, for the tools that get a venv under .build/ (the MongoDB
# stand-in's dependencies, schemathesis, selenium).
PYTHON_TOOL_PACKAGES=(python3-venv)

# Finds ../shared/mongo-standin (the MongoDB wire-protocol stand-in for tests).
find_mongo_standin() {
    for dir in "${MONGO_STANDIN_DIR:-}" "../shared/mongo-standin" "/work/shared/mongo-standin"; do
        [ -n "$dir" ] && [ -f "$dir/mongo_standin.py" ] && { (cd "$dir" && pwd); return 0; }
    done
    return 1
}

# Starts the MongoDB stand-in on a free loopback port and exports MONGODB_TEST_URI,
# unless MONGODB_TEST_URI already names a server. Stopped by stop_test_servers.
start_mongo_standin() {
    local standin
    if standin="$(find_mongo_standin)"; then
        local venv=".build/mongo-standin-venv"
        if [ ! -x "$venv/bin/python3" ]; then
            python3 -m venv "$venv" 2>/dev/null || { ensure_packages python3-venv; python3 -m venv "$venv"; }
        fi
        "$venv/bin/python3" -m pip install -q --disable-pip-version-check -r "$standin/requirements.txt"
        # The fault suite starts (and SIGSTOPs) a stand-in of its own.
        export MONGO_STANDIN_PYTHON="$PWD/$venv/bin/python3" MONGO_STANDIN_SCRIPT="$standin/mongo_standin.py"
    fi
    if [ -n "${MONGODB_TEST_URI:-}" ]; then
        echo "==> MongoDB for tests: MONGODB_TEST_URI (given)"
        return 0
    fi
    if [ -z "$standin" ]; then
        echo "warning: ../shared/mongo-standin not found and MONGODB_TEST_URI unset: MongoDB tests will $([ "${CI:-}" = true ] && echo fail || echo be skipped)" >&2
        return 0
    fi
    local out=".build/mongo-standin.out"
    : > "$out"
    "$venv/bin/python3" "$standin/mongo_standin.py" --host 127.0.0.1 --port 0 > "$out" 2> .build/mongo-standin.err &
    MONGO_STANDIN_PID=$!
    for _ in $(seq 1 300); do
        grep -q ' ready on ' "$out" && break
        kill -0 "$MONGO_STANDIN_PID" 2>/dev/null || { cat .build/mongo-standin.err >&2; echo "error: mongo-standin exited" >&2; exit 1; }
        sleep 0.1
    done
    grep -q ' ready on ' "$out" || { echo "error: mongo-standin not ready within 30 s" >&2; exit 1; }
    local port
    port="$(sed -n 's/.* ready on [^ ]*:\([0-9]*\) .*/\1/p' "$out")"
    export MONGODB_TEST_URI="mongodb://127.0.0.1:$port/?appname=chatctl-tests"
    echo "==> MongoDB for tests: mongo-standin on 127.0.0.1:$port (pid $MONGO_STANDIN_PID)"
}

# Stops every server this script started (trap on EXIT).
stop_test_servers() {
    if [ -n "${MONGO_STANDIN_PID:-}" ]; then
        kill "$MONGO_STANDIN_PID" 2>/dev/null || true
        wait "$MONGO_STANDIN_PID" 2>/dev/null || true
    fi
    # chatctl processes the tests started stop with their tests; a test process that
    # crashed leaves them running (each test stops its own in a defer that never ran).
    pkill -f "$PWD/.build/.*/chatctl serve" 2>/dev/null || true
    # Test RabbitMQ nodes stop with their tests; a crashed test run may leave one.
    pkill -9 -f "chatctl-test-rmq-" 2>/dev/null || true
    rm -rf /tmp/chatctl-test-rmq-* 2>/dev/null || true
    # epmd, if the first test node started it.
    if [ "${EPMD_WAS_RUNNING:-yes}" = no ]; then epmd -kill >/dev/null 2>&1 || true; fi
}

# Remembers whether epmd (Erlang's port mapper, started by the first RabbitMQ node) ran
# before the tests, so that stop_test_servers stops it only if the tests started it.
note_epmd() {
    if pgrep -x epmd >/dev/null 2>&1; then EPMD_WAS_RUNNING=yes; else EPMD_WAS_RUNNING=no; fi
}

# Starts `chatctl serve ROLE` in the background on free loopback ports and waits until it
# listens: $1 the binary, $2 a directory for its store and log ($2/ROLE.log), $3 the role
# (chat, notify, scheduler or all). Sets SERVED_PID and, for the role's services,
# CHAT_PORT, NOTIFY_PORT, SCHEDULER_PORT. SECRET_KEY must be set; stop it with
# stop_chatctl "$SERVED_PID" (on every path: trap).
start_chatctl() {
    local bin=$1 dir=$2 role=$3
    mkdir -p "$dir"
    local args=(serve "$role" --host 127.0.0.1 --port 0 --data-dir "$dir/data")
    [ "$role" = all ] && args+=(--notify-port 0)
    CHATCTL_LOG_LEVEL="${CHATCTL_LOG_LEVEL:-notice}" "$bin" "${args[@]}" 2> "$dir/$role.log" &
    SERVED_PID=$!
    local wanted
    case "$role" in
        chat) wanted=("chat service") ;;
        notify) wanted=("notify service") ;;
        scheduler) wanted=("scheduler status") ;;
        all) wanted=("chat service" "notify service") ;;
        *) echo "error: start_chatctl: unknown role $role" >&2; return 1 ;;
    esac
    local what port
    for what in "${wanted[@]}"; do
        port=""
        for _ in $(seq 1 600); do
            port="$(sed -n "s/.*msg=\"$what listening\".* port=\([0-9]*\).*/\1/p" "$dir/$role.log" | head -1)"
            [ -n "$port" ] && break
            kill -0 "$SERVED_PID" 2>/dev/null || { cat "$dir/$role.log" >&2; echo "error: chatctl serve $role exited" >&2; return 1; }
            sleep 0.1
        done
        [ -n "$port" ] || { cat "$dir/$role.log" >&2; echo "error: chatctl serve $role: $what not listening within 60 s" >&2; return 1; }
        case "$what" in
            "chat service") CHAT_PORT=$port ;;
            "notify service") NOTIFY_PORT=$port ;;
            "scheduler status") SCHEDULER_PORT=$port ;;
        esac
    done
}

# Stops a process started by start_chatctl (SIGTERM, then waits for it).
stop_chatctl() {
    [ -n "${1:-}" ] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

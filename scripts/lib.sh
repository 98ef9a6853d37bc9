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

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify without libsystemd: datagrams to `$NOTIFY_SOCKET` (a path, or `@name`
/// for an abstract socket). Does nothing when the variable is unset.
public struct SystemdNotifier: Sendable {
    /// The socket address, as systemd gave it.
    public let socketPath: String?
    /// `WATCHDOG_USEC` as a duration, when the unit sets `WatchdogSec`.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap { Int64($0) }.flatMap { $0 > 0 ? .microseconds($0) : nil }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Sends `state` (e.g. `WATCHDOG=1`) without ever blocking the caller; returns
    /// whether it was sent.
    ///
    /// A datagram to a socket whose reader has fallen behind (its queue holds
    /// `net.unix.max_dgram_qlen` datagrams, often 10) would block a plain `sendto`; this
    /// runs on event-loop threads, where that froze every connection of the loop. Such
    /// a message is dropped instead (`MSG_DONTWAIT`): a watchdog ping goes out again half
    /// an interval later; `notify(_:retryingFor:)` keeps trying for the messages that
    /// must arrive.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        send(state) == .sent
    }

    /// Sends `state`, retrying every 10 ms while the reader's queue is full, for at most
    /// `patience`; returns whether it was sent. Suspends, never blocks a thread.
    @discardableResult
    public func notify(_ state: String, retryingFor patience: Duration) async -> Bool {
        let deadline = ContinuousClock.now + patience
        while true {
            switch send(state) {
            case .sent: return true
            case .failed: return false
            case .queueFull:
                guard ContinuousClock.now < deadline else { return false }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    private enum SendResult { case sent, queueFull, failed }

    /// One non-blocking `sendto`. Meant to run on event loops (`MSG_DONTWAIT` never
    /// waits; the retry suspends in `Task.sleep`), so unlike the sections that do block
    /// it carries no `BlockingCallGuard` check: one would stop every debug server that
    /// talks to systemd.

    private func send(_ state: String) -> SendResult {
        guard let socketPath else { return .failed }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return .failed }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = state.withCString { message in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, message, strlen(message), Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), $0, length)
                }
            }
        }
        if sent >= 0 { return .sent }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .queueFull : .failed
    }
}

import ChatTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's `NOTIFY_SOCKET`.
final class NotifySocket: @unchecked Sendable {
    // The descriptor is only read by one receive at a time.
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw CLIError("cannot bind \(path)") }
        var timeout = timeval(tv_sec: Int(Patience.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram (bounded: `Patience.seconds`), received off the cooperative pool.
    func receive() async -> String? {
        let fd = self.fd
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(fd, &buffer, buffer.count, 0)
                continuation.resume(returning: count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil)
            }
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

@Suite("systemd notifications and readiness")
struct SystemdNotifyTests {
    @Test("serve sends READY=1 once it listens, WATCHDOG=1 when asked, STOPPING=1 on SIGTERM")
    func lifecycle() async throws {
        let notify = try NotifySocket()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-sd-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "all", "--dev", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0", "--data-dir", dataDir],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"])
        defer { server.stop() }
        var messages: [String] = []
        while !messages.contains(where: { $0.hasPrefix("READY=1") }), let message = await notify.receive() {
            messages.append(message)
        }
        let ready = try #require(messages.first { $0.hasPrefix("READY=1") })
        #expect(ready.contains("STATUS=chat service listening on port"))
        #expect(ready.contains("notify service listening on port"), "READY=1 waits for both servers of serve all")
        let port = try await server.waitForListeningPort()
        let response = try await TestHTTP.get("http://127.0.0.1:\(port)/healthz")
        #expect(response.status == 200, "READY=1 came after the port accepted connections")
        while !messages.contains("WATCHDOG=1"), let message = await notify.receive() { messages.append(message) }
        #expect(messages.contains("WATCHDOG=1"))
        server.stop()
        while !messages.contains("STOPPING=1"), let message = await notify.receive() { messages.append(message) }
        #expect(messages.contains("STOPPING=1"))
        #expect(try await server.waitForExit() == 0)
    }

    @Test("a notify socket nobody reads (its queue full of watchdog pings) never stalls the server; STOPPING=1 still arrives")
    func unreadNotifySocket() async throws {
        let notify = try NotifySocket()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-sd-\(UUID().uuidString)").path
        // A ping every 10 ms fills the socket's queue (net.unix.max_dgram_qlen datagrams)
        // while the test reads nothing; a blocking send then froze an event loop.
        let server = try ChatctlProcess(
            ["serve", "chat", "--dev", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "20000"])
        defer { server.stop() }
        let port = try await server.waitForListeningPort()
        let queueLength = (try? String(contentsOfFile: "/proc/sys/net/unix/max_dgram_qlen", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 10
        try await Task.sleep(for: .milliseconds(min(10_000, max(500, (queueLength + 20) * 10))))
        for _ in 0..<20 {
            let response = try await TestHTTP.get("http://127.0.0.1:\(port)/healthz")
            #expect(response.status == 200)
        }
        var messages: [String] = []
        while !messages.contains(where: { $0.hasPrefix("READY=1") }), let message = await notify.receive() { messages.append(message) }
        #expect(messages.contains { $0.hasPrefix("READY=1") })
        server.stop()
        while !messages.contains("STOPPING=1"), let message = await notify.receive() { messages.append(message) }
        #expect(messages.contains("STOPPING=1"), "the queue drains as it is read; STOPPING=1 waits for room")
        #expect(try await server.waitForExit() == 0)
    }

    @Test("/readyz answers 200 with every check ok; 503 naming Redis when Redis is gone",
          .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: "no redis-server installed")))
    func readiness() async throws {
        let redis = try await RedisTestServer()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-ready-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--dev", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["REDIS_URI": "127.0.0.1:\(redis.port)"])
        defer { server.stop() }
        let port = try await server.waitForListeningPort()
        func readyz() async throws -> (Int, [String: Any]) {
            try await TestHTTP.request("GET", "http://127.0.0.1:\(port)/readyz")
        }
        let (okStatus, ok) = try await readyz()
        #expect(okStatus == 200)
        #expect(ok["checks"] as? [String: String] == ["store": "ok", "redis": "ok"])
        redis.stop()
        let (downStatus, down) = try await readyz()
        #expect(downStatus == 503)
        #expect(down["failing"] as? [String] == ["redis"])
        try await redis.start()
        let back = try await waitUntil(every: .milliseconds(100)) { try await readyz().0 == 200 }
        #expect(back, "ready again once Redis is back")
        redis.stop()
    }
}

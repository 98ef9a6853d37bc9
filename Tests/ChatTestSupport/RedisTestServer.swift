import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` (Debian's) started for a test on a free loopback port, and
/// stopped by `stop()`. In CI a missing binary fails the tests; locally they are
/// skipped with a message saying what to install.
public final class RedisTestServer: @unchecked Sendable {
    // Mutable state is touched only by the owning test.
    public let port: Int
    private var process: Process?
    private let directory: URL

    public static let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    public static var shouldRun: Bool { binary != nil || MongoTestServer.isCI }
    public static let skipReason = "no redis-server: apt-get install redis-server (scripts/test.sh does)"

    /// Starts a server; waits (bounded, `Patience.seconds`) until it answers.
    public init(password: String? = nil) async throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.password = password
        try await start()
    }

    private let password: String?

    public var url: String { "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0" }

    /// Starts (or restarts) the server on the same port.
    public func start() async throws {
        guard let binary = Self.binary else { throw Missing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(Patience.seconds)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw Missing(description: "redis-server did not accept connections on \(port) within \(Patience.seconds) s")
    }

    /// Kills the server at once (as a crash would).
    public func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the server the way an operator would: `redis-cli shutdown nosave`, then waits
    /// (bounded, `Patience.seconds`) for the process to exit. Falls back to SIGKILL if it does not.
    public func shutdownNoSave() async throws {
        guard let process, process.isRunning else { return }
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: Self.cli ?? "/usr/bin/redis-cli")
        var arguments = ["-h", "127.0.0.1", "-p", "\(port)"]
        if let password { arguments += ["--no-auth-warning", "-a", password] }
        cli.arguments = arguments + ["shutdown", "nosave"]
        cli.standardOutput = FileHandle.nullDevice
        cli.standardError = FileHandle.nullDevice
        try cli.run()
        cli.waitUntilExit()
        let deadline = ContinuousClock.now + .seconds(Patience.seconds)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            stop()
            throw Missing(description: "redis-server on \(port) ignored `shutdown nosave` for \(Patience.seconds) s")
        }
        self.process = nil
    }

    static let cli = ["/usr/bin/redis-cli", "/usr/local/bin/redis-cli"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    deinit { stop() }

    public struct Missing: Error, CustomStringConvertible {
        public var description = "redis-server is not installed (CI=true): the test script must install it"
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Missing(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

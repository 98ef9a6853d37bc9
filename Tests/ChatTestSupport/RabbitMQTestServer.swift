import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `rabbitmq-server` (Debian's) node for tests: its own node name, ports and
/// directories under /tmp, loopback only. Starting one takes several seconds, so tests
/// share `RabbitMQTestServer.shared()` (stopped when the test process exits) and only
/// tests that stop the broker start their own. In CI a missing broker fails the tests;
/// locally they are skipped with a message saying what to install.
public final class RabbitMQTestServer: @unchecked Sendable {
    // Mutable state is touched only by the owning test (or once, by `shared()`).
    public let port: Int
    public let nodeName: String
    private let distributionPort: Int
    private let directory: URL

    static let libexec = "/usr/lib/rabbitmq/bin"
    public static let isInstalled = FileManager.default.isExecutableFile(atPath: "\(libexec)/rabbitmq-server")
    public static var shouldRun: Bool { isInstalled || MongoTestServer.isCI }
    public static let skipReason = "no rabbitmq-server: apt-get install rabbitmq-server (scripts/test.sh does)"

    public var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    /// Starts a node; waits (bounded, 3 × `Patience.seconds`) until it accepts AMQP connections.
    public init() async throws {
        guard Self.isInstalled else { throw RedisTestServer.Missing(description: "rabbitmq-server is not installed (CI=true): the test script must install it") }
        port = try RedisTestServer.freePort()
        distributionPort = try RedisTestServer.freePort()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        nodeName = "chatctl-test-rmq-\(suffix)@localhost"
        directory = URL(fileURLWithPath: "/tmp/chatctl-test-rmq-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "[].".write(to: directory.appendingPathComponent("enabled_plugins"), atomically: true, encoding: .utf8)
        try await start()
    }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "HOME": directory.path,
            "RABBITMQ_NODENAME": nodeName,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": "\(port)",
            "RABBITMQ_DIST_PORT": "\(distributionPort)",
            "RABBITMQ_MNESIA_BASE": directory.appendingPathComponent("mnesia").path,
            "RABBITMQ_LOG_BASE": directory.appendingPathComponent("log").path,
            "RABBITMQ_PID_FILE": directory.appendingPathComponent("pid").path,
            "RABBITMQ_ENABLED_PLUGINS_FILE": directory.appendingPathComponent("enabled_plugins").path,
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            // An Erlang VM that dies (a killed node or rabbitmqctl) writes its dump here,
            // not into the working directory (the repository).
            "ERL_CRASH_DUMP": directory.appendingPathComponent("erl_crash.dump").path,
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        ]) { $1 }
        return environment
    }

    /// Runs `rabbitmqctl` (or another script) against this node; returns its exit status.
    /// Each run boots an Erlang VM, which on a loaded machine takes many seconds: the
    /// default bound is generous.
    @discardableResult
    public func control(_ arguments: [String], tool: String = "rabbitmqctl", timeout: Duration = .seconds(2 * Patience.seconds)) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.libexec)/\(tool)")
        process.arguments = (tool == "rabbitmq-server" ? [] : ["-n", nodeName]) + arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { await exited.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let status else {
            process.terminate()
            throw RedisTestServer.Missing(description: "\(tool) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return status
    }

    var scriptPID: Int32 { nodeProcess?.processIdentifier ?? 0 }

    /// The node runs in the foreground as this process's child (`-detached` hangs when
    /// started from the test runner), so killing it stops the node.
    private var nodeProcess: Process?

    /// The Erlang VM's process id from the node's pid file (the `rabbitmq-server`
    /// script runs it as a child, so killing the script alone leaves the node behind).
    var nodePID: Int32 {
        let text = try? String(contentsOf: directory.appendingPathComponent("pid"), encoding: .utf8)
        return text.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    private func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.libexec)/rabbitmq-server")
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        nodeProcess = process
        try await waitUntilAccepting()
    }

    private func waitUntilAccepting() async throws {
        // Bounded, but generous: several nodes starting at once on two cores are slow.
        let deadline = ContinuousClock.now + .seconds(3 * Patience.seconds)
        while ContinuousClock.now < deadline {
            // A slow `rabbitmqctl` (it boots an Erlang VM too) is a "not yet", not a failure.
            if (try? await control(["-q", "await_startup"], timeout: .seconds(Patience.seconds))) == 0, RedisTestServer.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        stop()
        throw RedisTestServer.Missing(description: "rabbitmq-server node \(nodeName) did not start within \(3 * Patience.seconds) s (logs in \(directory.path)/log)")
    }

    /// `rabbitmqctl stop_app`: the broker stops serving (connections drop), the node stays.
    public func stopApp() async throws {
        try await control(["stop_app"])
    }

    /// `rabbitmqctl start_app`, then waits until AMQP connections are accepted again.
    public func startApp() async throws {
        try await control(["start_app"])
        try await waitUntilAccepting()
    }

    /// Kills the node (bounded; it must not outlive the tests).
    public func stop() {
        let vm = nodePID
        if vm > 0 { kill(vm, SIGKILL) }
        if let nodeProcess { kill(nodeProcess.processIdentifier, SIGKILL) }
        nodeProcess = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    private static let sharedServer = SharedServer()

    /// One node for every test that does not stop it; stopped when the process exits.
    public static func shared() async throws -> RabbitMQTestServer {
        try await sharedServer.get()
    }

    private actor SharedServer {
        var server: RabbitMQTestServer?
        var starting: Task<RabbitMQTestServer, any Error>?

        func get() async throws -> RabbitMQTestServer {
            if let server { return server }
            if let starting { return try await starting.value }
            let task = Task { try await RabbitMQTestServer() }
            starting = task
            let server = try await task.value
            self.server = server
            SharedServerExit.register(server)
            return server
        }
    }
}

/// Stops the shared node at process exit (atexit runs after the last test).
/// Only a pid and `kill(2)` here: Foundation must not run inside an atexit handler.
private enum SharedServerExit {
    nonisolated(unsafe) static var pid: Int32 = 0
    nonisolated(unsafe) static var scriptPID: Int32 = 0

    static func register(_ server: RabbitMQTestServer) {
        pid = server.nodePID
        scriptPID = server.scriptPID
        atexit {
            if SharedServerExit.pid > 0 { kill(SharedServerExit.pid, SIGKILL) }
            if SharedServerExit.scriptPID > 0 { kill(SharedServerExit.scriptPID, SIGKILL) }
        }
    }
}

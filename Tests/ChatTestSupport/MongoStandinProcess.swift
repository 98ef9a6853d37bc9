import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A MongoDB stand-in of a test's own (`../shared/mongo-standin`), for tests that stop
/// it (SIGSTOP/SIGCONT) or kill it, which the shared one must never be. The test script
/// exports where the stand-in and its Python are (`MONGO_STANDIN_SCRIPT`,
/// `MONGO_STANDIN_PYTHON`); without them the test is skipped locally and fails in CI.
public final class MongoStandinProcess: @unchecked Sendable {
    // Mutable state is touched only by the owning test.
    public let port: Int
    private let process = Process()
    private let output: URL

    public static var python: String? { ProcessInfo.processInfo.environment["MONGO_STANDIN_PYTHON"] }
    public static var script: String? { ProcessInfo.processInfo.environment["MONGO_STANDIN_SCRIPT"] }
    public static var isAvailable: Bool { python != nil && script != nil }
    public static var shouldRun: Bool { isAvailable || MongoTestServer.isCI }
    public static let skipReason = "no MONGO_STANDIN_PYTHON/MONGO_STANDIN_SCRIPT: run scripts/test.sh (it sets up ../shared/mongo-standin)"

    public var uri: String { "mongodb://127.0.0.1:\(port)/?appname=chatctl-fault-tests&serverSelectionTimeoutMS=30000&socketTimeoutMS=60000" }
    public var pid: Int32 { process.processIdentifier }

    /// Starts it on a free port; waits (bounded, `Patience.seconds`: Python and its imports
    /// start slowly on a loaded machine) for its ready line.
    public init() async throws {
        guard let python = Self.python, let script = Self.script else {
            throw RedisTestServer.Missing(description: "MONGO_STANDIN_PYTHON/MONGO_STANDIN_SCRIPT unset (CI=true): scripts/test.sh must export them")
        }
        port = try RedisTestServer.freePort()
        output = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-standin-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--host", "127.0.0.1", "--port", "\(port)"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(Patience.seconds)
        while ContinuousClock.now < deadline {
            if ((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains(" ready on ") { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw RedisTestServer.Missing(description: "mongo-standin did not start within \(Patience.seconds) s")
    }

    /// SIGSTOP: the server stops answering (connections stay open) until `resume()`.
    public func pause() { kill(process.processIdentifier, SIGSTOP) }

    /// SIGCONT after `pause()`.
    public func resume() { kill(process.processIdentifier, SIGCONT) }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
        kill(process.processIdentifier, SIGKILL)
    }

    deinit { stop() }
}

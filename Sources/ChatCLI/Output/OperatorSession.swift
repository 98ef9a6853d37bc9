import ChatRuntime
import Logging

/// A one-shot command's connected backends, closed (awaited) on every path.
/// The one place a command opens `OperatorBackends`.
struct OperatorSession {
    let settings: Settings
    let backends: OperatorBackends
    let logger: Logger

    static func run<R>(_ global: GlobalOptions, _ body: (OperatorSession) async throws -> R) async throws -> R {
        let settings = try await global.loadSettings()
        return try await run(settings: settings, body)
    }

    /// For a command that loads the settings itself because it checks something in them
    /// (a secret key, a cut-off) before it connects.
    static func run<R>(settings: Settings, _ body: (OperatorSession) async throws -> R) async throws -> R {
        let logger = OperatorLog.logger(settings)
        let backends = try await OperatorBackends.connect(settings: settings, logger: logger)
        return try await withClosing(backends, close: { await $0.close() }) { backends in
            try await body(OperatorSession(settings: settings, backends: backends, logger: logger))
        }
    }

    /// For `chatctl cache …`: a session whose cache is the shared one (Redis), or a clear
    /// error before anything connects (with the embedded default each serving process
    /// caches in memory, out of the CLI's reach).
    static func runWithSharedCache<R>(_ global: GlobalOptions, _ body: (OperatorSession) async throws -> R) async throws -> R {
        let settings = try await global.loadSettings()
        guard settings.redisURI != nil else {
            throw RuntimeError("no shared cache: set redis.uri (REDIS_URI); without Redis each serving process caches in memory")
        }
        return try await run(settings: settings, body)
    }
}

import ChatRuntime
import Logging

/// A one-shot command's connected backends, closed (awaited) on every path.
struct OperatorSession {
    let settings: Settings
    let backends: OperatorBackends
    let logger: Logger

    static func run<R>(_ global: GlobalOptions, _ body: (OperatorSession) async throws -> R) async throws -> R {
        let settings = try await global.loadSettings()
        let logger = OperatorLog.logger(settings)
        let backends = try await OperatorBackends.connect(settings: settings, logger: logger)
        return try await withClosing(backends, close: { await $0.close() }) { backends in
            try await body(OperatorSession(settings: settings, backends: backends, logger: logger))
        }
    }
}

import ChatBackends
import ChatCore
import Foundation
import Logging

/// `chatctl doctor`: each configured backend reached the way the services reach it,
/// with the round-trip time; for RabbitMQ, also chatctl's queues as the services
/// declare them (a durability they cannot use fails the check).
public enum Doctor {
    /// One backend's result.
    public struct Check: Sendable, Encodable {
        public var name: String
        /// Where (credentials redacted).
        public var target: String
        public var ok: Bool
        public var milliseconds: Double
        public var detail: String?
        /// The exit code `chatctl doctor` uses when this check is the first to fail.
        public var exitCode: Int32
        /// What works but is likely not what was meant (`GoDeploymentHints`); never fails the check.
        public var warnings: [String] = []
    }

    /// Exit codes per failing backend (documented in `chatctl doctor --help`).
    public static let exitCodes: [String: Int32] = ["store": 10, "redis": 11, "rabbitmq": 12]

    public static func checkBackends(settings: Settings, logger: Logger) async -> [Check] {
        var checks: [Check] = []
        let storeTarget = settings.mongoURI.map { _ in "mongodb" } ?? "sqlite:\(settings.sqlitePath)"
        var storeWarnings: [String] = []
        var store = await timed("store", storeTarget) {
            let backend = try await BackendWiring.openStore(settings: settings, logger: logger, deploymentHints: false)
            return try await withClosing(backend, close: { await $0.close() }) { backend in
                try await backend.store.ping()
                if let mongo = backend.store as? MongoChatStore, let hint = await GoDeploymentHints.database(mongo) { storeWarnings.append(hint) }
                return backend.description
            }
        }
        store.warnings = storeWarnings
        if let hint = GoDeploymentHints.broker(settings) { store.warnings.append(hint) }
        checks.append(store)
        let shared = BackendWiring.sharedLocation(settings)
        if case .redis = shared {
            checks.append(await timed("redis", shared.target ?? "redis") {
                try await SharedBackend.probe(shared)
                return nil
            })
        }
        if let address = BackendWiring.rabbitMQAddress(settings) {
            let endpoint = address.redacted
            let target = endpoint ?? "rabbitmq"
            checks.append(await timed("rabbitmq", target) {
                guard endpoint != nil else { throw RuntimeError("\(SettingKey.rabbitMQURL.key) is not a valid amqp:// URL") }
                // The queues as the services declare them: a durability they cannot use
                // fails here, not as a service that publishes nothing.
                let admin = try QueueAdmin(settings: settings)
                defer { admin.close() }
                var found: [QueueAdmin.Status] = []
                for name in admin.queueNames { found.append(try await admin.status(of: name)) }
                if let problem = found.compactMap(\.problem).first { throw RuntimeError(problem) }
                let event = found[0]
                return "\(target) queue \(event.name) " + (event.durable.map { $0 ? "durable" : "non-durable" } ?? "not declared yet")
            })
        }
        return checks
    }

    private static func timed(_ name: String, _ target: String, _ body: () async throws -> String?) async -> Check {
        let start = ContinuousClock.now
        var check = Check(name: name, target: target, ok: true, milliseconds: 0, detail: nil, exitCode: exitCodes[name] ?? 1)
        do {
            if let described = try await body() { check.target = described }
        } catch let error as ChatError {
            check.ok = false
            check.detail = error.detail ?? error.message
        } catch {
            check.ok = false
            check.detail = "\(error)"
        }
        let elapsed = ContinuousClock.now - start
        check.milliseconds = (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded() / 1
        return check
    }
}

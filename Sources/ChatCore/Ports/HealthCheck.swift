/// One backend a service needs, checked for `/readyz` and `doctor`.
public struct HealthCheck: Sendable {
    /// What is checked: `store`, `redis`, …
    public let name: String
    /// Throws when the backend does not answer.
    public let probe: @Sendable () async throws -> Void

    public init(name: String, probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.probe = probe
    }
}

import Hummingbird

/// What re-reads a serving process's configuration and applies it (ChatRuntime's
/// `ConfigReloader`), as the operator API's `POST /admin/config/reload` asks for it.
public protocol ConfigReloading: Sendable {
    /// Reads the configuration again and applies what can change while the process runs.
    /// - Parameter trigger: who asked (`SIGHUP`, `operator API (ann@host)`), for the log.
    /// - Throws: `ConfigReloadRefusal` naming the setting at fault; the configuration in
    ///   force is then kept whole.
    func reload(trigger: String) async throws(ConfigReloadRefusal) -> ConfigReloadReport
}

/// What a reload changed, by setting key: `applied` now, or read only at the next start
/// (`needs_restart`). Both empty: the configuration read is the one in force.
public struct ConfigReloadReport: ResponseEncodable, Sendable, Equatable {
    public var applied: [String]
    public var needsRestart: [String]

    public init(applied: [String], needsRestart: [String]) {
        self.applied = applied
        self.needsRestart = needsRestart
    }

    enum CodingKeys: String, CodingKey {
        case applied
        case needsRestart = "needs_restart"
    }
}

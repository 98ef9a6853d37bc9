/// Who ran an operator command: the OS user and the host it ran on (read from the
/// process by ChatRuntime, `AuditActor.current()`).
public struct AuditActor: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var host: String

    public init(user: String, host: String) {
        self.user = user
        self.host = host
    }

    /// `user@host`.
    public var description: String { "\(user)@\(host)" }
}

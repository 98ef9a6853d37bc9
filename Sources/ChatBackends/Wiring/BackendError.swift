/// Why a backend could not be opened, or why a call on an opened one failed: which
/// backend, where (credentials redacted), and the client library's own words.
///
/// The one wrapping of the Kits' errors (and of the stores' opening errors) that code
/// above ChatBackends sees: no caller there needs a Kit's error type. ChatBackends knows
/// no settings, so the caller adds which setting is at fault (`ChatRuntime` does it in
/// one place); `description` is the reason alone.
public struct BackendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The backend that failed.
    public enum Backend: String, Sendable, Equatable {
        case mongoDB
        case sqlite
        case redis
        case rabbitMQ
    }

    /// What went wrong, as far as a caller branches on it.
    public enum Kind: Sendable, Equatable {
        /// The address (URI, URL) does not parse: nothing was opened.
        case invalidAddress
        /// The backend could not be opened or made ready (connection, migrations,
        /// indexes); whatever was opened on the way is closed again.
        case cannotOpen
        /// The server refused the call and said why with this reply code (RabbitMQ: 404
        /// no such queue; 406 a declare with other arguments, or a conditional delete of
        /// a queue that is not empty or not unused).
        case refused(code: Int)
        /// Any other failure of a call on an opened backend (unreachable, timed out,
        /// closed).
        case failed
    }

    public let backend: Backend
    public let kind: Kind
    /// Where: a redacted address, or a file path (`redis`, `rabbitmq`, `mongodb` when
    /// the address itself is what failed).
    public let target: String
    /// The client library's reason, credentials redacted.
    public let reason: String

    public init(_ backend: Backend, _ kind: Kind, target: String, reason: String) {
        self.backend = backend
        self.kind = kind
        self.target = target
        self.reason = reason
    }

    /// The reason alone: callers put the setting at fault in front of it.
    public var description: String { reason }
}

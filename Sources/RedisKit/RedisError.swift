/// A Redis failure as a typed error (passwords never appear in it).
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Cannot connect, or the connection broke (I/O, timeout, EOF); retried with backoff.
        case unavailable
        /// The server answered with an error reply.
        case server
        /// The reply could not be read.
        case protocolError
        /// The client was closed.
        case closed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

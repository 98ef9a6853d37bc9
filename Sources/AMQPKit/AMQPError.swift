/// A RabbitMQ failure, typed by what the caller can do about it. Messages never carry
/// credentials (the endpoint's description redacts the password).
public struct AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The broker cannot be reached, or the connection dropped: retry later.
        case unavailable
        /// Login refused (user, password or vhost).
        case accessRefused
        /// The broker closed the channel or connection (e.g. 404 on a passive declare
        /// of a missing queue, 406 on a declare with other arguments).
        case closedByBroker(code: Int)
        /// A confirm or a reply did not arrive in time.
        case timeout
        /// The broker refused (nack) a published message.
        case nacked
        /// No queue took a published message (it was returned: the queue does not exist).
        case unroutable
        /// This client was stopped.
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

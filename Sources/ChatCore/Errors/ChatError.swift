/// Every failure a use case reports, with the field at fault where there is one.
///
/// Built like Hummingbird's `PersistError`: a struct over a private enum, compared by
/// kind, so new cases can be added without breaking callers that switch on `kind`.
public struct ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad class of failure; servers map it to a status code.
    public enum Kind: String, Sendable, Equatable {
        /// A request field is missing or malformed (HTTP 400).
        case invalidInput
        /// Unknown user or wrong password (HTTP 400, one message for both).
        case invalidCredentials
        /// A unique value (username, email, room name) is taken.
        case conflict
        /// The named thing does not exist.
        case notFound
        /// No valid credentials (HTTP 401).
        case unauthorized
        /// Valid credentials, but the account may not be used (HTTP 403).
        case forbidden
        /// A limit was reached: too many attempts, connections or rooms (HTTP 429).
        case tooManyRequests
        /// A backend failed; the message is safe to show, details go to the log.
        case backendUnavailable
        /// Anything else that should not happen.
        case internalError
    }

    public let kind: Kind
    /// The request field at fault, when there is one (`username`, `content`, …).
    public let field: String?
    /// A message safe to show to a client: never a secret, never a stack trace.
    public let message: String
    /// What operators need to know (a backend's own error, credentials redacted);
    /// logged and shown by the CLI, never sent to clients.
    public let detail: String?
    /// For `tooManyRequests` that clears with time: seconds until trying again may work.
    public let retryAfterSeconds: Int?
    /// More for the client than `message` says, safe to show (a ban's end and reason):
    /// sent as `message` beside `error` in an HTTP answer.
    public let explanation: String?

    public init(
        _ kind: Kind, field: String? = nil, message: String, detail: String? = nil, retryAfterSeconds: Int? = nil, explanation: String? = nil
    ) {
        self.kind = kind
        self.field = field
        self.message = message
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
        self.explanation = explanation
    }

    public var description: String { detail.map { "\(message): \($0)" } ?? message }

    public static func invalid(_ field: String, _ message: String) -> ChatError {
        ChatError(.invalidInput, field: field, message: message)
    }

    public static func required(_ field: String) -> ChatError {
        ChatError(.invalidInput, field: field, message: "\(field) is required")
    }

    /// The Go service's answer to both an unknown user and a wrong password.
    public static let invalidCredentials = ChatError(.invalidCredentials, message: "invalid username or password")

    public static let usernameTaken = ChatError(.conflict, field: "username", message: "username already exists")
    public static let emailTaken = ChatError(.conflict, field: "email", message: "email already exists")
    /// The Go service's text for a duplicate room (HTTP 400 there, kept).
    public static let roomExists = ChatError(.conflict, field: "name", message: "room already exists")
    /// The Go service's text for joining an unknown room (HTTP 400 there, kept).
    public static let roomNotFound = ChatError(.notFound, field: "name", message: "room does not exist")
    public static let userNotFound = ChatError(.notFound, field: "username", message: "user does not exist")
    /// No message with this id, in the rooms' history or in the archive.
    public static let messageNotFound = ChatError(.notFound, field: "id", message: "message does not exist")

    /// A disabled user logging in with the right password (`chatctl users disable`).
    public static let userDisabled = ChatError(.forbidden, field: "username", message: "user is disabled")

    /// A limit was reached; `retryAfterSeconds` when waiting clears it.
    public static func tooMany(_ message: String, retryAfterSeconds: Int? = nil) -> ChatError {
        ChatError(.tooManyRequests, message: message, retryAfterSeconds: retryAfterSeconds)
    }

    public static func unauthorized(_ message: String) -> ChatError {
        ChatError(.unauthorized, message: message)
    }

    /// A backend failed: clients learn which service is unavailable, the log learns why.
    public static func backend(_ name: String, detail: String) -> ChatError {
        ChatError(.backendUnavailable, message: "\(name) is unavailable; try again later", detail: detail)
    }
}

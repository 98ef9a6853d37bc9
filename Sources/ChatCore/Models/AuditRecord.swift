import Foundation

/// One entry of the audit trail: who ran which changing command, on what, when, with
/// which arguments (never a secret), and how it ended.
public struct AuditRecord: Sendable, Equatable {
    /// How the command ended.
    public enum Outcome: Sendable, Equatable {
        /// It did what it was asked.
        case ok
        /// It failed, or was refused (not confirmed), with this message.
        case failed(String)

        /// `ok` or `error`, as stores keep it.
        public var name: String {
            switch self {
            case .ok: "ok"
            case .failed: "error"
            }
        }

        /// The message of a failure.
        public var error: String? {
            guard case .failed(let message) = self else { return nil }
            return message
        }

        /// From what a store kept: anything but `ok` is a failure.
        public init(name: String, error: String?) {
            self = name == "ok" ? .ok : .failed(error ?? "")
        }
    }

    public var id: ObjectID
    public var at: Date
    public var actor: AuditActor
    /// The command without its options: `messages delete`, `users disable`.
    public var command: String
    /// What it acted on, as the operator named it (a user, a room, a message id, a
    /// queue), when it acts on one thing.
    public var target: String?
    /// The options that shaped what it did (`reason`, `archive_messages`), secrets left out.
    public var arguments: [String: String]
    public var outcome: Outcome

    public init(
        id: ObjectID = ObjectID(), at: Date = Date(), actor: AuditActor, command: String, target: String?,
        arguments: [String: String] = [:], outcome: Outcome
    ) {
        self.id = id
        self.at = at.truncatedToMilliseconds
        self.actor = actor
        self.command = command
        self.target = target
        self.arguments = arguments
        self.outcome = outcome
    }
}

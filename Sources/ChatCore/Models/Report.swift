import Foundation

/// A member's report of a message (`POST /api/message/report/`), until an operator
/// resolves it (`chatctl reports resolve`).
///
/// A report keeps ids only, never the message's content: a delete or a redaction then
/// leaves nothing of the content behind in the report. It names the message's sender too,
/// so a mute or a ban can still be resolved after the message itself was deleted. Reports
/// outlive the message, its room and both users: they are the record of what was reported
/// and what was done.
///
/// Stored in SQLite `reports` (migration v19) and MongoDB `chatctl_reports`, one per
/// reporter and message.
public struct Report: Sendable, Hashable {
    /// Whether an operator has acted on the report, as stores keep it (`status`).
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        case open
        case resolved
    }

    /// What the operator did about the reported message.
    public enum Action: String, Sendable, Hashable, CaseIterable, Codable {
        /// Nothing: the report was looked at and dismissed.
        case none
        /// The message was deleted (`ModerateMessage.delete`).
        case delete
        /// The message's content was removed (`ModerateMessage.redact`).
        case redact
        /// The sender was muted in the message's room (`RoomRestrictions.mute`).
        case mute
        /// The sender was banned (`UserAdministration.ban`).
        case ban

        /// Whether the action takes a length (`--for`): a mute or a ban.
        public var takesLength: Bool { self == .mute || self == .ban }
    }

    /// Who resolved the report, how and when.
    public struct Resolution: Sendable, Hashable {
        public var action: Action
        /// The operator, as `user@host`.
        public var by: String
        public var at: Date
        /// The operator's note (also the reason given to the action).
        public var note: String?

        public init(action: Action, by: String, at: Date = Date(), note: String? = nil) {
            self.action = action
            self.by = by
            self.at = at.truncatedToMilliseconds
            self.note = note
        }

        /// `delete by root@ops1 at 2026-05-01T10:00:00.000Z`.
        public var summary: String { "\(action.rawValue) by \(by) at \(RFC3339.string(from: at))" }
    }

    /// The report's life: open until resolved, once.
    public enum State: Sendable, Hashable {
        case open
        case resolved(Resolution)
    }

    public var id: ObjectID
    public var messageID: ObjectID
    /// The message's room when it was reported.
    public var roomID: ObjectID
    /// Who wrote the message.
    public var senderID: ObjectID
    /// Who reported it.
    public var reporterID: ObjectID
    /// The reporter's words (trimmed, 1 to `InputRules.reasonMaxBytes` bytes, one line).
    public var reason: String
    public var createdAt: Date
    public var state: State

    public init(
        id: ObjectID = ObjectID(), messageID: ObjectID, roomID: ObjectID, senderID: ObjectID, reporterID: ObjectID, reason: String,
        createdAt: Date = Date(), state: State = .open
    ) {
        self.id = id
        self.messageID = messageID
        self.roomID = roomID
        self.senderID = senderID
        self.reporterID = reporterID
        self.reason = reason
        self.createdAt = createdAt.truncatedToMilliseconds
        self.state = state
    }

    /// `open` or `resolved`.
    public var status: Status {
        switch state {
        case .open: .open
        case .resolved: .resolved
        }
    }

    /// How it was resolved; nil while open.
    public var resolution: Resolution? {
        guard case .resolved(let resolution) = state else { return nil }
        return resolution
    }
}

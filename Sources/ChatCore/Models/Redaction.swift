import Foundation

/// Why, when and by whom a message's content was removed (`chatctl messages redact`).
///
/// A redacted message keeps its id, room, sender, time and place in the room (`seq`);
/// its content is empty. Frames show it as `"content":""` with `"redacted":true`.
public struct Redaction: Sendable, Hashable, Codable {
    /// When it was redacted (millisecond precision, as stores keep it).
    public var at: Date
    /// Who redacted it: an operator as `user@host`.
    public var by: String
    /// The moderator's reason, when one was given (never sent to clients).
    public var reason: String?

    public init(at: Date = Date(), by: String, reason: String? = nil) {
        self.at = at.truncatedToMilliseconds
        self.by = by
        self.reason = reason
    }
}

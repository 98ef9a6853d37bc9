import Foundation

/// How long archived messages are kept before the scheduler deletes them, counted from
/// when each message was posted (its `timestamp`): a room's own (`chatctl rooms set
/// --retention`) or `retention.default`. Live messages are never deleted by it: a
/// message is first archived at its room's archive age, then deleted once it is past
/// its retention (in the same run when the retention is the shorter of the two).
public enum Retention: Sendable, Hashable, Codable {
    /// Never deleted (`none`).
    case forever
    /// Deleted once this many seconds old.
    case seconds(Int)

    /// The instant before which archived messages are past this retention at `now` (nil: kept forever).
    public func cutoff(at now: Date) -> Date? {
        switch self {
        case .forever: nil
        case .seconds(let seconds): now.addingTimeInterval(-Double(seconds))
        }
    }

    /// Seconds, nil for `forever`.
    public var seconds: Int? {
        switch self {
        case .forever: nil
        case .seconds(let seconds): seconds
        }
    }

    /// `none` or a duration (`90d`, `2w`, `1d12h`), as `retention.default` and
    /// `rooms set --retention` take it, validated by `InputRules.validateLifecycleSeconds`.
    /// - Throws: `ChatError.invalid(field, …)` saying what is accepted.
    public static func parse(_ text: String, field: String = "retention") throws(ChatError) -> Retention {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" { return .forever }
        guard let seconds = try? AgeCutoff.duration(trimmed, field: field) else {
            throw .invalid(field, "'\(trimmed.prefix(40))' is neither none nor a duration (like 90d, 2w, 1d12h; units s m h d w)")
        }
        return .seconds(try InputRules.validateLifecycleSeconds(seconds, field: field))
    }
}

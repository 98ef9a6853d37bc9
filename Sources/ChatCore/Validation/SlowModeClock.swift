import Foundation

/// When each user last posted in each slow-mode room on this node: the timing half of
/// slow mode (`RoomPolicy` says whether it applies). Kept in the node's memory, like the
/// message rate limit: a user whose sockets are on several nodes may post once per node
/// per interval.
public struct SlowModeClock: Sendable {
    struct Key: Hashable, Sendable {
        var room: ObjectID
        var user: ObjectID
    }

    /// A post let through: what `giveBack` needs to undo it (the post was not stored).
    public struct Slot: Sendable, Equatable {
        let key: Key
        let at: Date
        let previous: Date?
    }

    /// Last post and when the slot frees, by room and user.
    private var last: [Key: (at: Date, frees: Date)] = [:]
    /// Entries past their interval are dropped when there are more than this.
    static let pruneAbove = 4096

    public init() {}

    /// Lets a post through when the user's last one in the room is `interval` seconds old
    /// (and takes the slot); otherwise the whole seconds until it is (at least 1).
    public mutating func take(room: ObjectID, user: ObjectID, interval: Int, now: Date) -> Result<Slot, ChatError> {
        let key = Key(room: room, user: user)
        let previous = last[key]
        if let previous, previous.at.addingTimeInterval(Double(interval)) > now {
            let wait = previous.at.addingTimeInterval(Double(interval)).timeIntervalSince(now)
            return .failure(.slowMode(retryAfterSeconds: max(1, Int(wait.rounded(.up)))))
        }
        if last.count >= Self.pruneAbove { last = last.filter { $0.value.frees > now } }
        last[key] = (now, now.addingTimeInterval(Double(interval)))
        return .success(Slot(key: key, at: now, previous: previous?.at))
    }

    /// Undoes `slot` (its post was not stored, or was a resend), unless a later post took
    /// the user's slot since.
    public mutating func giveBack(_ slot: Slot) {
        guard let current = last[slot.key], current.at == slot.at else { return }
        if let previous = slot.previous {
            last[slot.key] = (previous, current.frees)
        } else {
            last[slot.key] = nil
        }
    }
}

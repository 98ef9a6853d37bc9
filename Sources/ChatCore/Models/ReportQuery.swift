import Foundation

/// Which reports to read (`chatctl reports list`): newest first (by creation time, then
/// id), at most `limit`.
public struct ReportQuery: Sendable, Equatable {
    /// Only reports nobody resolved yet.
    public var openOnly: Bool
    /// Only reports of messages in this room.
    public var roomID: ObjectID?
    public var limit: Int

    public init(openOnly: Bool = false, roomID: ObjectID? = nil, limit: Int = 100) {
        self.openOnly = openOnly
        self.roomID = roomID
        self.limit = limit
    }

    /// Whether `report` is one this query asks for (the memory store's filter; the other
    /// stores filter in their queries, the same way).
    public func matches(_ report: Report) -> Bool {
        if openOnly, report.status != .open { return false }
        if let roomID, report.roomID != roomID { return false }
        return true
    }
}

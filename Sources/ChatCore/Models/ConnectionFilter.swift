/// Which of a node's live connections an operator means: all of them, or those of a
/// user, of a room, or one by its id — each given condition must hold.
public struct ConnectionFilter: Sendable, Hashable {
    /// Only this user's sockets (room and notification).
    public var userID: ObjectID?
    /// Only the room sockets of this room (a notification socket has no room).
    public var roomID: ObjectID?
    /// Only the socket with this id (`ConnectionInfo.id`).
    public var connectionID: String?

    /// Every connection.
    public static let all = ConnectionFilter()

    public init(userID: ObjectID? = nil, roomID: ObjectID? = nil, connectionID: String? = nil) {
        self.userID = userID
        self.roomID = roomID
        self.connectionID = connectionID
    }

    /// How many conditions are given (a kick needs exactly one).
    public var conditionCount: Int {
        (userID == nil ? 0 : 1) + (roomID == nil ? 0 : 1) + (connectionID == nil ? 0 : 1)
    }

    /// Whether the connection with these fields is one of those meant.
    public func matches(id: String, userID: ObjectID, roomID: ObjectID?) -> Bool {
        if let connectionID, connectionID != id { return false }
        if let wanted = self.userID, wanted != userID { return false }
        if let wanted = self.roomID, wanted != roomID { return false }
        return true
    }
}

import Foundation

/// A chat room. Joining adds the user to `members`.
public struct Room: Sendable, Hashable, Codable {
    public var id: ObjectID
    public var name: String
    public var members: [ObjectID]
    public var createdAt: Date
    /// Read-only, slow mode, moderators and topic (`chatctl rooms set`).
    public var rules: RoomRules

    public init(id: ObjectID = ObjectID(), name: String, members: [ObjectID] = [], createdAt: Date = Date(), rules: RoomRules = RoomRules()) {
        self.id = id
        self.name = name
        self.members = members
        self.createdAt = createdAt.truncatedToMilliseconds
        self.rules = rules
    }
}

/// A room with the number of sockets connected to it on this node.
public struct RoomSummary: Sendable, Hashable {
    public var room: Room
    public var connectedCount: Int

    public init(room: Room, connectedCount: Int) {
        self.room = room
        self.connectedCount = connectedCount
    }
}

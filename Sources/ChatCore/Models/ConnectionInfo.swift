import Foundation

/// One live WebSocket of a node as the operator API shows it (`GET /admin/connections`,
/// `chatctl connections list`): whose it is, which room, where from, since when, its
/// traffic and whether its outbound side is backing up.
///
/// Encoded the same way by the node and read back by `chatctl`; ids as hex strings,
/// dates as RFC 3339 strings.
public struct ConnectionInfo: Sendable, Hashable, Codable {
    /// Which socket service the connection belongs to.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A room socket (`/ws/join/`).
        case room
        /// A notification socket (`/ws/join-notification/`).
        case notify
    }

    /// Short hex, unique on its node for the node's life (`kick --id`).
    public var id: String
    public var kind: Kind
    public var userID: ObjectID
    /// The user's name as the token's user record had it at the upgrade.
    public var username: String?
    /// The room of a room socket; nil for a notification socket.
    public var roomID: ObjectID?
    /// The peer as the node sees it, `address:port` (a proxy's, behind one); nil when unknown.
    public var remote: String?
    public var connectedAt: Date
    /// Data frames received from the client (control frames not counted).
    public var framesIn: Int
    /// Data frames written to the client: history, messages, notices, errors.
    public var framesOut: Int
    /// Frames waiting for the socket's join to finish (its history frame); 0 once live.
    public var buffered: Int
    /// Whether the channel takes writes now. False: the client stopped reading and the
    /// kernel's buffer is full; the socket is dropped at its next frame.
    public var writable: Bool

    public init(
        id: String, kind: Kind, userID: ObjectID, username: String?, roomID: ObjectID?, remote: String?, connectedAt: Date,
        framesIn: Int, framesOut: Int, buffered: Int, writable: Bool
    ) {
        self.id = id
        self.kind = kind
        self.userID = userID
        self.username = username
        self.roomID = roomID
        self.remote = remote
        self.connectedAt = connectedAt.truncatedToMilliseconds
        self.framesIn = framesIn
        self.framesOut = framesOut
        self.buffered = buffered
        self.writable = writable
    }

    // MARK: Encoding

    enum CodingKeys: String, CodingKey {
        case id, kind, userID, username, roomID, remote, connectedAt, framesIn, framesOut, buffered, writable
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let since = try container.decode(String.self, forKey: .connectedAt)
        guard let connectedAt = RFC3339.date(from: since) else {
            throw DecodingError.dataCorruptedError(forKey: .connectedAt, in: container, debugDescription: "'\(since)' is not an RFC 3339 time")
        }
        self.init(
            id: try container.decode(String.self, forKey: .id),
            kind: try container.decode(Kind.self, forKey: .kind),
            userID: try container.decode(ObjectID.self, forKey: .userID),
            username: try container.decodeIfPresent(String.self, forKey: .username),
            roomID: try container.decodeIfPresent(ObjectID.self, forKey: .roomID),
            remote: try container.decodeIfPresent(String.self, forKey: .remote),
            connectedAt: connectedAt,
            framesIn: try container.decodeIfPresent(Int.self, forKey: .framesIn) ?? 0,
            framesOut: try container.decodeIfPresent(Int.self, forKey: .framesOut) ?? 0,
            buffered: try container.decodeIfPresent(Int.self, forKey: .buffered) ?? 0,
            writable: try container.decodeIfPresent(Bool.self, forKey: .writable) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(userID, forKey: .userID)
        try container.encodeIfPresent(username, forKey: .username)
        try container.encodeIfPresent(roomID, forKey: .roomID)
        try container.encodeIfPresent(remote, forKey: .remote)
        try container.encode(RFC3339.string(from: connectedAt), forKey: .connectedAt)
        try container.encode(framesIn, forKey: .framesIn)
        try container.encode(framesOut, forKey: .framesOut)
        try container.encode(buffered, forKey: .buffered)
        try container.encode(writable, forKey: .writable)
    }
}

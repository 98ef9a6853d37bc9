/// A room as `chatctl db copy` moves it: the room and its sequence counter (the last
/// `seq` it gave out), so that posts on the target continue after the copied messages.
public struct RoomRecord: Sendable, Hashable {
    public var room: Room
    /// `rooms.last_seq` on MongoDB and SQLite, the memory store's counter: the last number
    /// the room gave out (at least its highest `seq`, live or archived). 0 for none.
    public var lastSequence: Int64

    public init(room: Room, lastSequence: Int64) {
        self.room = room
        self.lastSequence = lastSequence
    }
}

/// Records of one collection, as a store hands them to `chatctl db copy` and takes them
/// back (`StoreTransfer`): the models themselves, so that one store's records go into
/// any other, whatever each keeps on disk. Names a store joins in for reading (a
/// message's room and sender names) are not part of a record and are left empty.
public enum RecordBatch: Sendable, Equatable {
    case users([User])
    case rooms([RoomRecord])
    case roomMutes([RoomMute])
    case messages([Message])
    case archivedMessages([Message])
    case notifications([ChatNotification])
    case reports([Report])
    case auditLog([AuditRecord])
    case moderationNotices([ModerationNotice])

    /// A batch of `collection` with no record.
    public static func empty(_ collection: StoreCollection) -> RecordBatch {
        switch collection {
        case .users: .users([])
        case .rooms: .rooms([])
        case .roomMutes: .roomMutes([])
        case .messages: .messages([])
        case .archivedMessages: .archivedMessages([])
        case .notifications: .notifications([])
        case .reports: .reports([])
        case .auditLog: .auditLog([])
        case .moderationNotices: .moderationNotices([])
        }
    }

    public var collection: StoreCollection {
        switch self {
        case .users: .users
        case .rooms: .rooms
        case .roomMutes: .roomMutes
        case .messages: .messages
        case .archivedMessages: .archivedMessages
        case .notifications: .notifications
        case .reports: .reports
        case .auditLog: .auditLog
        case .moderationNotices: .moderationNotices
        }
    }

    /// Each record's key, in the batch's order: the record's id as 24 lowercase hex
    /// characters (ObjectId order is hex order), `<room id>:<user id>` for a mute. Stores
    /// page through a collection in this order.
    public var keys: [String] {
        switch self {
        case .users(let records): records.map(\.id.hex)
        case .rooms(let records): records.map(\.room.id.hex)
        case .roomMutes(let records): records.map(Self.key(of:))
        case .messages(let records), .archivedMessages(let records): records.map(\.id.hex)
        case .notifications(let records): records.map(\.id.hex)
        case .reports(let records): records.map(\.id.hex)
        case .auditLog(let records): records.map(\.id.hex)
        case .moderationNotices(let records): records.map(\.id.hex)
        }
    }

    public var count: Int { keys.count }

    public var isEmpty: Bool { count == 0 }

    /// The highest key of the batch (where the next page starts), nil when empty.
    public var lastKey: String? { keys.max() }

    /// A mute's key: `<room id>:<user id>` (the `_id` of MongoDB's `chatctl_room_mutes`).
    public static func key(of mute: RoomMute) -> String { "\(mute.roomID.hex):\(mute.userID.hex)" }

    /// The room and user of a mute's key; nil for anything else.
    public static func muteKey(_ key: String) -> (roomID: ObjectID, userID: ObjectID)? {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let room = ObjectID(hex: parts[0]), let user = ObjectID(hex: parts[1]) else { return nil }
        return (room, user)
    }

    /// The records whose keys are in `wanted`, in the batch's order.
    public func keeping(_ wanted: Set<String>) -> RecordBatch {
        func kept<Record>(_ records: [Record], _ key: (Record) -> String) -> [Record] { records.filter { wanted.contains(key($0)) } }
        switch self {
        case .users(let records): return .users(kept(records) { $0.id.hex })
        case .rooms(let records): return .rooms(kept(records) { $0.room.id.hex })
        case .roomMutes(let records): return .roomMutes(kept(records, Self.key(of:)))
        case .messages(let records): return .messages(kept(records) { $0.id.hex })
        case .archivedMessages(let records): return .archivedMessages(kept(records) { $0.id.hex })
        case .notifications(let records): return .notifications(kept(records) { $0.id.hex })
        case .reports(let records): return .reports(kept(records) { $0.id.hex })
        case .auditLog(let records): return .auditLog(kept(records) { $0.id.hex })
        case .moderationNotices(let records): return .moderationNotices(kept(records) { $0.id.hex })
        }
    }
}

import BlockingGuard
import ChatCore
import Foundation
import GRDB
import NIOPosix

/// The embedded store: one SQLite file through GRDB (WAL mode; reads run beside writes).
///
/// GRDB runs every statement on its own serial writer queue or reader pool, never on
/// an event loop or Swift's cooperative pool; opening and migrating, which GRDB does
/// synchronously, run on a thread pool (`open(path:backgroundCheckpoints:threadPool:)`).
public final class SQLiteChatStore: ChatStore, NodeRegistry {
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Whether commits leave WAL checkpoints to `SQLiteCheckpointer` (serving processes).
    public let backgroundCheckpoints: Bool

    private init(pool: DatabasePool, path: String, backgroundCheckpoints: Bool) {
        self.pool = pool
        self.path = path
        self.backgroundCheckpoints = backgroundCheckpoints
    }

    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    ///
    /// Opening waits on SQLite's locks (up to the 5 s busy timeout) and migrating writes
    /// and syncs the file, so both run on `threadPool`, never on the caller's thread:
    /// chatctl's tasks run on NIO's event loops, where a wait stalls every socket of the
    /// loop. The caller suspends meanwhile.
    ///
    /// - Parameters:
    ///   - backgroundCheckpoints: when true, commits never checkpoint the WAL themselves
    ///     (a checkpoint fsyncs the database file: tens of milliseconds on which every
    ///     post would wait); run `SQLiteCheckpointer` beside the store instead.
    ///   - threadPool: where the blocking open and migration run.
    public static func open(
        path: String, backgroundCheckpoints: Bool = false, threadPool: NIOThreadPool = .singleton
    ) async throws -> SQLiteChatStore {
        try await threadPool.runIfActive {
            BlockingCallGuard.assertNotOnEventLoop("creating the SQLite store's directory")
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        let pool = try await openAndMigrate(path: path, backgroundCheckpoints: backgroundCheckpoints, threadPool: threadPool)
        return SQLiteChatStore(pool: pool, path: path, backgroundCheckpoints: backgroundCheckpoints)
    }

    public var displayName: String { "sqlite:\(path)" }

    /// Opens the pool (switching the file to WAL) and applies pending migrations.
    ///
    /// Several processes may open a new file at once (two chat nodes on one store):
    /// switching to WAL can meet "database is locked", and GRDB checks what is applied
    /// before taking the write lock, so the process that loses the race fails on the
    /// other's work. It tries again (bounded) and then finds the file ready. Each try
    /// runs on the thread pool; the pause between tries suspends instead of holding a
    /// thread.
    private static func openAndMigrate(path: String, backgroundCheckpoints: Bool, threadPool: NIOThreadPool) async throws -> DatabasePool {
        var attempt = 0
        while true {
            // The try's own error comes back as a value, so that only it is retried (not
            // a cancellation or a stopped thread pool, which `runIfActive` throws).
            let outcome = try await threadPool.runIfActive { () -> Result<DatabasePool, any Error> in
                BlockingCallGuard.assertNotOnEventLoop("opening and migrating the SQLite store")
                return Result(catching: { try Self.openAndMigrateOnce(path: path, backgroundCheckpoints: backgroundCheckpoints) })
            }
            switch outcome {
            case .success(let pool):
                return pool
            case .failure(let error):
                attempt += 1
                if attempt >= 8 { throw error }
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// One synchronous open and migration; blocks its thread.
    private static func openAndMigrateOnce(path: String, backgroundCheckpoints: Bool) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if backgroundCheckpoints { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
        return pool
    }

    /// A PASSIVE checkpoint on the store's own writer connection, between two write
    /// transactions: it copies what a `SQLiteCheckpointer` pass left (the frames written
    /// meanwhile), and once every frame is in the database file the next commit starts
    /// the WAL over instead of appending to it. Returns the WAL's frames and how many of
    /// them are now checkpointed.
    @discardableResult
    public func checkpointOnWriter() async throws -> (walFrames: Int, checkpointed: Int) {
        try await pool.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: Users

    public func insertUser(_ user: User) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO clients (id, username, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [user.id.hex, user.username, user.email, user.passwordHash, user.createdAt.millisecondsSince1970])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw (error.message ?? "").contains("email") ? ChatError.emailTaken : ChatError.usernameTaken
        }
    }

    public func user(named username: String) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM clients WHERE username = ?", arguments: [username]).map(Self.user(from:))
        }
    }

    public func user(id: ObjectID) async throws -> User? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM clients WHERE id = ?", arguments: [id.hex]).map(Self.user(from:))
        }
    }

    // MARK: Rooms

    public func insertRoom(_ room: Room) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO rooms (id, name, created_at, read_only, slow_mode_seconds, topic, moderators, archive_after_seconds, retention_seconds)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        room.id.hex, room.name, room.createdAt.millisecondsSince1970, room.rules.readOnly, room.rules.slowModeSeconds,
                        room.rules.topic, Self.moderatorsColumn(room.rules.moderators), room.rules.archiveAfterSeconds,
                        room.rules.retention.map(Self.retentionColumn),
                    ])
                for (position, member) in room.members.enumerated() {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO room_members (room_id, user_id, position) VALUES (?, ?, ?)",
                        arguments: [room.id.hex, member.hex, position])
                }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw ChatError.roomExists
        }
    }

    public func room(named name: String) async throws -> Room? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM rooms WHERE name = ?", arguments: [name]) else { return nil }
            return try Self.room(from: row, db: db)
        }
    }

    public func room(id: ObjectID) async throws -> Room? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM rooms WHERE id = ?", arguments: [id.hex]) else { return nil }
            return try Self.room(from: row, db: db)
        }
    }

    public func allRooms() async throws -> [Room] {
        try await pool.read { db in
            // Two queries for the whole list, not one member query per room.
            var members: [String: [ObjectID]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT room_id, user_id FROM room_members ORDER BY room_id, position") {
                let userID: String = row["user_id"]
                if let id = ObjectID(hex: userID) { members[row["room_id"], default: []].append(id) }
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM rooms ORDER BY name").map { row in
                try Self.room(from: row, members: members[row["id"]] ?? [])
            }
        }
    }

    public func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO room_members (room_id, user_id, position)
                    SELECT ?, ?, COALESCE(MAX(position) + 1, 0) FROM room_members WHERE room_id = ?
                    """,
                arguments: [roomID.hex, userID.hex, roomID.hex])
        }
    }

    // MARK: Messages

    /// One IMMEDIATE transaction for the whole batch: it takes the write lock first, so
    /// sequence numbers stay unique even with several processes on one file. Each room of
    /// the batch takes its numbers from its counter in one statement (`takeSequences`).
    public func insertMessages(_ messages: [Message]) async throws -> [Message] {
        try await pool.writeWithoutTransaction { db in
            var result: [Message] = []
            try db.inTransaction(.immediate) {
                var plan = ClientIDPlan(messages)
                // A client id resent within a day: the earlier message stands (checked
                // inside the write transaction, so two resends cannot both get in).
                var earlier: [ClientIDPlan.Key: Message] = [:]
                for message in plan.candidates {
                    guard let key = ClientIDPlan.Key(message),
                        let row = try Row.fetchOne(
                            db, sql: Self.messageSelect + " WHERE m.sender_id = ? AND m.client_id = ? AND m.timestamp >= ?",
                            arguments: [message.senderID.hex, key.clientID, message.timestamp.millisecondsSince1970 - ClientIDWindow.milliseconds])
                    else { continue }
                    earlier[key] = try Self.message(from: row)
                }
                plan.markEarlier(earlier)
                let fresh = plan.fresh
                var counts: [ObjectID: Int64] = [:]
                for message in fresh { counts[message.roomID, default: 0] += 1 }
                var next: [ObjectID: Int64] = [:]
                for (roomID, count) in counts {
                    next[roomID] = try Self.takeSequences(count, inRoom: roomID, db: db)
                }
                // Prepared once per connection (not per message): the hot path of every post.
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO messages (id, content, sender_id, room_id, timestamp, seq, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
                var stored: [Message] = []
                stored.reserveCapacity(fresh.count)
                for message in fresh {
                    var copy = message
                    copy.sequence = next[message.roomID]!
                    next[message.roomID]! += 1
                    try insert.execute(arguments: [
                        message.id.hex, message.content, message.senderID.hex, message.roomID.hex, message.timestamp.millisecondsSince1970,
                        copy.sequence, message.clientID,
                    ])
                    stored.append(copy)
                }
                result = plan.assemble(stored: stored)
                return .commit
            }
            return result
        }
    }

    public func messages(inRoom roomID: ObjectID, afterSequence sequence: Int64, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: Self.messageSelect + " WHERE m.room_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?",
                arguments: [roomID.hex, sequence, limit]
            ).map(Self.message(from:))
        }
    }

    /// Only chatctl writes a SQLite store: the room sequence after `last`'s.
    public func messages(inRoom roomID: ObjectID, after last: Message, limit: Int) async throws -> [Message] {
        try await messages(inRoom: roomID, afterSequence: last.sequence, limit: limit)
    }

    public func newestMessageID(inRoom roomID: ObjectID) async throws -> ObjectID? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT 1", arguments: [roomID.hex])
                .flatMap { ObjectID(hex: $0) }
        }
    }

    public func message(id: ObjectID, inRoom roomID: ObjectID) async throws -> Message? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.messageSelect + " WHERE m.id = ? AND m.room_id = ?", arguments: [id.hex, roomID.hex])
                .map(Self.message(from:))
        }
    }

    /// A live message with its room's and sender's names (`MessageStore`, `ModerationStore`).
    static let messageSelect = """
        SELECT m.id, m.content, m.sender_id, m.room_id, m.timestamp, m.seq, m.client_id, r.name AS room_name,
               COALESCE(c.username, '') AS sender_name, m.redacted_at, m.redacted_by, m.redaction_reason
        FROM messages m
        JOIN rooms r ON r.id = m.room_id
        LEFT JOIN clients c ON c.id = m.sender_id
        """

    public func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: Self.messageSelect + " WHERE m.room_id = ? ORDER BY m.seq DESC, m.timestamp DESC, m.id DESC LIMIT ?",
                arguments: [roomID.hex, limit]
            ).map(Self.message(from:))
        }
    }

    // MARK: Notifications

    @discardableResult
    public func insertNotifications(_ notifications: [ChatNotification]) async throws -> Int {
        try await pool.write { db in
            var inserted = 0
            for n in notifications {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO notifications (id, content, sender_id, room_id, receiver_id, seen, timestamp)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [n.id.hex, n.content, n.senderID.hex, n.roomID.hex, n.receiverID.hex, n.seen, n.timestamp.millisecondsSince1970])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    public func notifications(for receiverID: ObjectID, query: NotificationQuery) async throws -> [ChatNotification] {
        try await pool.read { db in
            var sql = "SELECT * FROM notifications WHERE receiver_id = ?"
            var arguments: StatementArguments = [receiverID.hex]
            if query.unseenOnly { sql += " AND seen = 0" }
            if let before = query.before {
                sql += " AND timestamp < ?"
                _ = arguments.append(contentsOf: [before.millisecondsSince1970])
            }
            sql += " ORDER BY timestamp DESC, id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.notification(from:))
        }
    }

    public func markSeen(receiver receiverID: ObjectID, ids: [ObjectID]?) async throws -> Int {
        try await pool.write { db in
            if let ids {
                var changed = 0
                for id in Set(ids) {
                    try db.execute(
                        sql: "UPDATE notifications SET seen = 1 WHERE receiver_id = ? AND id = ? AND seen = 0", arguments: [receiverID.hex, id.hex])
                    changed += db.changesCount
                }
                return changed
            }
            try db.execute(sql: "UPDATE notifications SET seen = 1 WHERE receiver_id = ? AND seen = 0", arguments: [receiverID.hex])
            return db.changesCount
        }
    }

    // MARK: Row mapping

    static func id(_ row: Row, _ column: String) throws -> ObjectID {
        let text: String = row[column]
        guard let id = ObjectID(hex: text) else {
            throw ChatError(.internalError, field: column, message: "corrupt ObjectId in column \(column)")
        }
        return id
    }

    static func notification(from row: Row) throws -> ChatNotification {
        ChatNotification(
            id: try id(row, "id"), content: row["content"], senderID: try id(row, "sender_id"), roomID: try id(row, "room_id"),
            receiverID: try id(row, "receiver_id"), seen: row["seen"], timestamp: Date(millisecondsSince1970: row["timestamp"]))
    }

    static func user(from row: Row) throws -> User {
        User(
            id: try id(row, "id"), username: row["username"], email: row["email"], passwordHash: row["password_hash"],
            createdAt: Date(millisecondsSince1970: row["created_at"]), disabled: row["disabled"] ?? false, ban: ban(from: row))
    }

    /// The ban columns of `clients` (migration v17); nil for a user never banned.
    static func ban(from row: Row) -> Ban? {
        let at: Int64? = row["banned_at"]
        guard let at else { return nil }
        let until: Int64? = row["banned_until"]
        return Ban(
            at: Date(millisecondsSince1970: at), until: until.map { Date(millisecondsSince1970: $0) }, reason: row["ban_reason"],
            by: row["banned_by"] ?? "")
    }

    static func room(from row: Row, db: Database) throws -> Room {
        let roomID: String = row["id"]
        let members = try String.fetchAll(
            db, sql: "SELECT user_id FROM room_members WHERE room_id = ? ORDER BY position", arguments: [roomID]
        ).compactMap { ObjectID(hex: $0) }
        return try room(from: row, members: members)
    }

    private static func room(from row: Row, members: [ObjectID]) throws -> Room {
        Room(
            id: try id(row, "id"), name: row["name"], members: members, createdAt: Date(millisecondsSince1970: row["created_at"]),
            rules: rules(from: row))
    }

    /// The rule columns of `rooms` (migrations v15 and v21).
    static func rules(from row: Row) -> RoomRules {
        let moderators: String = row["moderators"] ?? ""
        let archiveAfter: Int? = row["archive_after_seconds"]
        let retention: Int? = row["retention_seconds"]
        return RoomRules(
            readOnly: row["read_only"] ?? false, slowModeSeconds: row["slow_mode_seconds"] ?? 0,
            moderators: moderators.split(separator: " ").compactMap { ObjectID(hex: $0) }, topic: row["topic"],
            archiveAfterSeconds: archiveAfter, retention: retention.map { $0 > 0 ? Retention.seconds($0) : Retention.forever })
    }

    /// A retention as `rooms.retention_seconds` holds it: the seconds, 0 for none (kept forever).
    static func retentionColumn(_ retention: Retention) -> Int { retention.seconds ?? 0 }

    /// Moderators as `rooms.moderators` holds them: hex ids separated by spaces.
    static func moderatorsColumn(_ moderators: [ObjectID]) -> String {
        moderators.map(\.hex).joined(separator: " ")
    }

    static func message(from row: Row) throws -> Message {
        Message(
            id: try id(row, "id"), roomID: try id(row, "room_id"), roomName: row["room_name"], senderID: try id(row, "sender_id"),
            senderName: row["sender_name"], content: row["content"], timestamp: Date(millisecondsSince1970: row["timestamp"]),
            sequence: row["seq"], clientID: row["client_id"], redaction: redaction(from: row))
    }

    /// The redaction columns of `messages` and `archived_messages` (migration v12); nil
    /// for a message never redacted.
    static func redaction(from row: Row) -> Redaction? {
        let at: Int64? = row["redacted_at"]
        guard let at else { return nil }
        return Redaction(at: Date(millisecondsSince1970: at), by: row["redacted_by"] ?? "", reason: row["redaction_reason"])
    }
}

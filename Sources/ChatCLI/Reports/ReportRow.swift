import ChatCore

/// One report as `reports list|resolve` print it (`--json`: this object), with the names
/// of its room and users and an excerpt of the reported message looked up in the store.
/// A name is absent when its room or user no longer exists; the excerpt when the message
/// is gone (deleted).
struct ReportRow: Encodable {
    var id: String
    var createdAt: String
    var room: String?
    var roomId: String
    var reporter: String?
    var reporterId: String
    var sender: String?
    var senderId: String
    var messageId: String
    /// The message's content on one line, cut at 60 characters; `(redacted)` once redacted.
    var excerpt: String?
    var reason: String
    /// `open` or `resolved`.
    var status: String
    /// Only once resolved.
    var resolution: Resolution?

    struct Resolution: Encodable {
        /// `none`, `delete`, `redact`, `mute` or `ban`.
        var action: String
        var by: String
        var at: String
        var note: String?
    }

    /// The STATUS column: `open`, or `delete by root@ops1`.
    var shownStatus: String {
        guard let resolution else { return status }
        return "\(resolution.action) by \(resolution.by)"
    }

    /// The table's row: id, when, room, reporter, message id, excerpt, reason, status.
    var cells: [String] {
        [id, createdAt, room ?? roomId, reporter ?? "unknown user", messageId, excerpt ?? "(deleted)", reason, shownStatus]
    }

    static let header = ["ID", "WHEN", "ROOM", "REPORTER", "MESSAGE", "EXCERPT", "REASON", "STATUS"]

    /// The rows of `reports`, each room, user and message looked up once.
    static func rows(_ reports: [Report], in store: any ChatStore) async throws -> [ReportRow] {
        var lookup = Lookup(store: store)
        var rows: [ReportRow] = []
        for report in reports {
            let room = try await lookup.room(report.roomID)
            let reporter = try await lookup.user(report.reporterID)
            let sender = try await lookup.user(report.senderID)
            let excerpt = try await lookup.excerpt(report.messageID)
            let resolution = report.resolution.map {
                Resolution(action: $0.action.rawValue, by: $0.by, at: RFC3339.string(from: $0.at), note: $0.note)
            }
            rows.append(
                ReportRow(
                    id: report.id.hex, createdAt: RFC3339.string(from: report.createdAt), room: room, roomId: report.roomID.hex,
                    reporter: reporter, reporterId: report.reporterID.hex, sender: sender, senderId: report.senderID.hex,
                    messageId: report.messageID.hex, excerpt: excerpt, reason: report.reason, status: report.status.rawValue,
                    resolution: resolution))
        }
        return rows
    }

    /// Names and excerpts, each read once per id (nil remembered for one not there).
    private struct Lookup {
        let store: any ChatStore
        var users: [ObjectID: String?] = [:]
        var rooms: [ObjectID: String?] = [:]
        var excerpts: [ObjectID: String?] = [:]

        init(store: any ChatStore) { self.store = store }

        mutating func user(_ id: ObjectID) async throws -> String? {
            if let known = users[id] { return known }
            let name = try await store.user(id: id)?.username
            users[id] = .some(name)
            return name
        }

        mutating func room(_ id: ObjectID) async throws -> String? {
            if let known = rooms[id] { return known }
            let name = try await store.room(id: id)?.name
            rooms[id] = .some(name)
            return name
        }

        mutating func excerpt(_ id: ObjectID) async throws -> String? {
            if let known = excerpts[id] { return known }
            let excerpt = try await store.locateMessage(id: id).map { MessageRow($0).preview() }
            excerpts[id] = .some(excerpt)
            return excerpt
        }
    }
}

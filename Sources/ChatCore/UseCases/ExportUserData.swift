import Foundation

/// Everything the store holds about one user, as one JSON document (`chatctl users
/// export`), written a page at a time so that no section is ever whole in memory.
///
/// The document is one object: `format` (`chatctl-user-export`), `version` (1),
/// `exported_at`, `profile` (never the password hash), `rooms` (its memberships),
/// `messages` and `archived_messages` (what it sent, in the rooms' history and in the
/// archive, each oldest first; a message half-way through archiving is in both),
/// `notifications` (received, newest first), `ban` (its latest, or null) and `mutes`
/// (those that hold). Every element is a `UserExport` value. The store keeps no reports
/// about users, so there is no such section.
public struct ExportUserData: Sendable {
    let store: any ChatStore

    public init(store: any ChatStore) {
        self.store = store
    }

    /// Messages or notifications read (and written out) per page.
    public static let defaultPageSize = 500

    /// The document's `format` and `version`: what it is, and which layout of it.
    public static let format = "chatctl-user-export"
    public static let version = 1

    /// What the document holds, per section.
    public struct Counts: Sendable, Codable, Equatable {
        public var rooms: Int
        public var messages: Int
        public var archivedMessages: Int
        public var notifications: Int
        /// 1 when the user was ever banned (its latest ban is in), else 0.
        public var bans: Int
        public var mutes: Int

        public init(rooms: Int = 0, messages: Int = 0, archivedMessages: Int = 0, notifications: Int = 0, bans: Int = 0, mutes: Int = 0) {
            self.rooms = rooms
            self.messages = messages
            self.archivedMessages = archivedMessages
            self.notifications = notifications
            self.bans = bans
            self.mutes = mutes
        }
    }

    /// Writes the document through `write`, piece by piece (at least once per page).
    /// `progress(done, total)` after each page of messages: messages written (live and
    /// archived) of those counted at the start.
    /// - Throws: what `write` throws; the store's errors. The document is then incomplete:
    ///   the caller discards it.
    public func callAsFunction(
        _ user: User, pageSize: Int = ExportUserData.defaultPageSize, now: Date = Date(), write: (Data) async throws -> Void,
        progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async throws -> Counts {
        let pageSize = max(1, pageSize)
        let everything = SenderMessageQuery(sender: user.id)
        let total =
            try await store.countMessages(matching: everything, in: .live) + store.countMessages(matching: everything, in: .archived)
        var counts = Counts()
        var json = StreamedJSON()
        try json.field("format", text: Self.format)
        try json.field("version", Self.version)
        try json.field("exported_at", text: RFC3339.string(from: now))
        try json.field("profile", UserExport.Profile(user))

        let rooms = try await store.allRooms().filter { $0.members.contains(user.id) }
        try json.beginArray("rooms")
        for room in rooms { try json.element(UserExport.Membership(room, user: user.id)) }
        json.endArray()
        counts.rooms = rooms.count
        try await write(json.take())

        var done = 0
        for place in [LocatedMessage.Place.live, .archived] {
            try json.beginArray(place == .live ? "messages" : "archived_messages")
            var query = everything
            while true {
                let page = try await store.messages(matching: query, in: place, limit: pageSize)
                for message in page { try json.element(UserExport.SentMessage(message)) }
                try await write(json.take())
                done += page.count
                if place == .live { counts.messages += page.count } else { counts.archivedMessages += page.count }
                await progress(done, max(total, done))
                guard page.count == pageSize, let last = page.last else { break }
                query.after = MessagePosition(last)
            }
            json.endArray()
        }

        try json.beginArray("notifications")
        var notifications = ReceivedNotificationPages(store: store, receiver: user.id, pageSize: pageSize)
        while true {
            let page = try await notifications.next()
            guard !page.isEmpty else { break }
            for notification in page { try json.element(UserExport.ReceivedNotification(notification)) }
            try await write(json.take())
            counts.notifications += page.count
        }
        json.endArray()

        try json.field("ban", user.ban.map { UserExport.BanRecord($0, now: now) })
        counts.bans = user.ban == nil ? 0 : 1
        let mutes = try await store.mutes(ofUser: user.id, at: now)
        let names = Dictionary(rooms.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        try json.beginArray("mutes")
        for mute in mutes {
            let name: String
            if let known = names[mute.roomID] { name = known } else { name = try await store.room(id: mute.roomID)?.name ?? "" }
            try json.element(UserExport.Mute(mute, room: name))
        }
        json.endArray()
        counts.mutes = mutes.count
        json.end()
        try await write(json.take())
        return counts
    }
}

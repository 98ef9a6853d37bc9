import ChatCore

/// What `chatctl post --json` prints.
enum PostOutput {
    /// One announcement: the stored message and the chat node that posted it.
    struct Posted: Encodable {
        var message: MessageRow
        /// The chat node that posted it; absent when the command posted it itself.
        var node: String?
        /// Whether the room's live sockets and its members were told (a node posted it).
        var told: Bool

        init(_ posted: AnnouncementPoster.Posted) {
            message = MessageRow(posted.record.message)
            node = posted.route.nodeID
            told = posted.route != .here
        }
    }

    /// `--all-rooms`: how many rooms got it, how many failed, and each room's outcome.
    struct Summary: Encodable {
        var posted: Int
        var failed: Int
        var rooms: [RoomOutcome]
    }

    /// One room of `--all-rooms`: its message, or why it has none.
    struct RoomOutcome: Encodable {
        var room: String
        var message: MessageRow?
        var node: String?
        var told: Bool?
        var error: String?

        init(room: String, posted: AnnouncementPoster.Posted) {
            self.room = room
            let one = Posted(posted)
            message = one.message
            node = one.node
            told = one.told
        }

        init(room: String, error: any Error) {
            self.room = room
            self.error = "\(error)"
        }
    }
}

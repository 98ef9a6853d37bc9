import Foundation

extension PostMessage {
    /// Posts an operator's announcement (`chatctl post`, the operator API's
    /// `POST /admin/rooms/<room id>/messages`) on the path of a client's post: stored with
    /// the room's next `seq`, its event queued (notifications go to every member but the
    /// sender, so to every member for a system message), cached, fanned out to every
    /// socket of the room once.
    ///
    /// The operator acts with authority: read-only and slow mode, which rule the room's
    /// users, do not apply (and no slow-mode slot is taken). A member is refused when it
    /// may post nowhere (disabled or banned) or is muted in the room, each an operator's
    /// explicit act against that user that an announcement does not quietly override
    /// (lift it first); and it must be a member of the room.
    ///
    /// - Parameter clientID: the same one (with the same sender) is stored once, so a
    ///   retry posts nothing twice (the answer is then a repeat, not broadcast again).
    /// - Throws: `ChatError` naming `content` or `client_id` for bad input, `as` for a
    ///   member that does not exist or may not post here (`ChatError+Announcements`); a
    ///   store error when the message could not be stored (then nothing was broadcast).
    public func announce(content: String?, clientID: String? = nil, as announcer: Announcer, in room: Room) async throws -> Posted {
        let content = try InputRules.validateContent(content)
        let clientID = try InputRules.validateClientID(clientID)
        let senderID: ObjectID, senderName: String
        switch announcer {
        case .system:
            senderID = Message.systemSenderID
            senderName = Message.systemSenderName
        case .member(let userID):
            let user = try await announcingMember(userID, in: room)
            senderID = user.id
            senderName = user.username
        }
        let draft = Message(roomID: room.id, roomName: room.name, senderID: senderID, senderName: senderName, content: content, clientID: clientID)
        return try await commit(draft, in: room, slot: nil)
    }

    /// The member an announcement comes from, once it may post in `room`.
    func announcingMember(_ userID: ObjectID, in room: Room, now: Date = Date()) async throws -> User {
        guard let user = try await ports.store.user(id: userID) else { throw ChatError.announcerNotFound(userID) }
        switch user.standing(at: now) {
        case .active: break
        case .disabled: throw ChatError.announcerDisabled(user)
        case .banned(let ban): throw ChatError.announcerBanned(user, ban)
        }
        guard room.members.contains(user.id) else { throw ChatError.announcerNotMember(user, of: room) }
        if let mute = try await ports.roomRules.policy(for: room.id).mutes[user.id], mute.isActive(at: now) {
            throw ChatError.announcerMuted(user, in: room, until: mute.until)
        }
        return user
    }
}

/// Posts a message: validate, check the room's rules, store, emit the event, cache, fan
/// out to the room. An operator's announcement (`announce`, `chatctl post`) takes the
/// same path once admitted.
///
/// A message is broadcast only after the store accepted it, so nothing a client saw
/// can be lost. Cache and event failures never fail the post. The room's rules and
/// mutes come from this node's copy (`RoomRuleCache`): no store read per post.
public struct PostMessage: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// The longest a post waits for its event's confirmation before broadcasting anyway.
    public static let eventConfirmWait: Duration = .seconds(1)

    /// What a post did.
    public struct Posted: Sendable {
        /// The message as stored (for a repeat: the one stored the first time).
        public var message: Message
        /// The sender had already used this client id: nothing was stored or broadcast again.
        public var isRepeat: Bool
    }

    /// - Throws: `ChatError` naming `content` for bad content, or `room` for a post the
    ///   room's rules refuse (read-only, muted, slow mode); a store error when the
    ///   message could not be stored (then nothing was broadcast).
    public func callAsFunction(content: String?, from sender: User, in room: Room) async throws -> Message {
        try await post(content: content, clientID: nil, from: sender, in: room).message
    }

    /// Posts with the client's own id for the message: the same `clientID` from the same
    /// sender is stored and broadcast once however often it is sent (a client resends
    /// after a reconnect when it never saw its message come back).
    /// - Throws: `ChatError` naming `content` or `client_id` for bad input, or `room` for
    ///   a post the room's rules refuse (read-only, muted, slow mode: nothing is stored);
    ///   a store error when the message could not be stored (then nothing was broadcast).
    public func post(content: String?, clientID: String?, from sender: User, in room: Room) async throws -> Posted {
        let content = try InputRules.validateContent(content)
        let clientID = try InputRules.validateClientID(clientID)
        // After the input checks (a bad frame takes no slow-mode slot), before the store.
        let slot = try await ports.roomRules.admit(sender.id, in: room)
        let draft = Message(
            roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: content, clientID: clientID)
        return try await commit(draft, in: room, slot: slot)
    }

    /// The path every post shares once it is admitted (a client's, an operator's
    /// announcement): store, event, cache, fan-out. `slot` is handed back when the post
    /// is not stored after all (a store failure, a resend of a stored `client_id`).
    func commit(_ draft: Message, in room: Room, slot: SlowModeClock.Slot?) async throws -> Posted {
        let message: Message
        do {
            message = try await ChatMetrics.time(ports.metrics.storeWrite) { try await ports.messageWriter.write(draft) }
        } catch {
            ports.roomRules.giveBack(slot)
            ports.metrics.messagesFailed.increment()
            throw error
        }
        if message.id != draft.id {
            ports.roomRules.giveBack(slot)
            // The store answered with the message this client id stored before. Its
            // event goes out again (notifications are idempotent per message and
            // receiver): the node that stored it may have died before publishing it.
            ports.metrics.messagesRepeated.increment()
            await ports.events.publish(MessageEvent(message: message))
            return Posted(message: message, isRepeat: true)
        }
        ports.metrics.messagesPosted.increment()
        ports.metrics.fanoutClock.stored(message.id)
        // The event is in the broker's hands before anyone sees the message (bounded: a
        // broker that is away gets it from the buffer later), so a node killed after the
        // broadcast cannot lose the message's notifications; one killed before it never
        // acknowledged the post, and the client's resend publishes the event again.
        let event = MessageEvent(message: message)
        if await !ports.events.publishConfirmed(event, within: Self.eventConfirmWait) {
            // Not in the broker's hands yet (it is away): recorded in the store, so that if
            // this node dies before the buffer drains, another republishes it.
            // Once the buffer's publish is confirmed, the queue clears the mark again.
            do {
                try await ports.store.markEventsPending([PendingEvent(messageID: message.id, roomID: message.roomID)])
                await ports.events.pendingEventRecorded(event)
            } catch {
                ports.logger.error("could not record a pending message event", metadata: ["message_id": "\(message.id)", "error": "\(error)"])
            }
        }
        // Cache before broadcast, never in parallel: a socket that joins in between
        // registers first and then reads the cache, so it gets the message either live
        // or in its history frame (the socket skips a live copy of one it already has).
        await ChatMetrics.time(ports.metrics.cacheAppend) { await ports.cache.append(message) }
        do {
            try await ports.fanout.publish(message)
        } catch {
            // Stored but not broadcast: clients get it from history on their next join.
            ports.logger.error("fan-out failed", metadata: ["room": "\(room.name)", "message_id": "\(message.id)", "error": "\(error)"])
        }
        return Posted(message: message, isRepeat: false)
    }
}

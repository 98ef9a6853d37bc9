/// Posts a message: validate, store, cache, fan out to the room, emit the event.
///
/// A message is broadcast only after the store accepted it, so nothing a client saw
/// can be lost. Cache and event failures never fail the post.
public struct PostMessage: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    /// - Throws: `ChatError` naming `content` for bad content; a store error when the
    ///   message could not be stored (then nothing was broadcast).
    public func callAsFunction(content: String?, from sender: User, in room: Room) async throws -> Message {
        let content = try InputRules.validateContent(content)
        let draft = Message(roomID: room.id, roomName: room.name, senderID: sender.id, senderName: sender.username, content: content)
        let message: Message
        do {
            message = try await ChatMetrics.time(ports.metrics.storeWrite) { try await ports.messageWriter.write(draft) }
        } catch {
            ports.metrics.messagesFailed.increment()
            throw error
        }
        ports.metrics.messagesPosted.increment()
        ports.metrics.fanoutClock.stored(message.id)
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
        await ports.events.publish(MessageEvent(message: message))
        return message
    }
}

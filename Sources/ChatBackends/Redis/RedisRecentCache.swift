import ChatCore
import Foundation
import Logging
import RedisKit

/// The recent-message cache in Redis: one capped list per room, so a join reads one
/// key. Shared by every chat node.
///
/// The list holds up to `capacity` JSON messages, newest first, then an end marker, so
/// an empty room is cached too (Redis has no empty lists). A generation counter per
/// room makes a fill that raced with a newer append a no-op (checked atomically in a
/// Lua script). Entries expire after a day without posts. Whatever changes a room's
/// history also deletes the Go chat service's entry for it (`RedisKeys.goRecentMessages`),
/// as the Go service itself does, so Go clients never read a stale history either.
/// Redis failures are logged
/// (once per outage) and treated as misses: the store stays the source of truth.
public final class RedisRecentCache: RecentMessageCache {
    private let client: RedisClient
    private let capacity: Int
    private let ttlSeconds: Int
    private let outage: OutageLog

    static let endMarker: [UInt8] = Array("~end".utf8)

    public init(client: RedisClient, capacity: Int = InputRules.recentMessageCount, ttlSeconds: Int = 86_400, logger: Logger) {
        self.client = client
        self.capacity = capacity
        self.ttlSeconds = ttlSeconds
        self.outage = OutageLog(what: "Redis recent-message cache", logger: logger)
    }

    public func lookup(room roomID: ObjectID) async -> CacheLookup {
        do {
            let replies = try await client.pipeline([
                ["GET", RedisKeys.recentGeneration(roomID)],
                ["LRANGE", RedisKeys.recent(roomID), "0", String(capacity)],
            ])
            outage.recovered()
            let generation = replies[0].string.flatMap { UInt64($0) } ?? 0
            guard let items = replies[1].array, !items.isEmpty else { return .miss(fillToken: generation) }
            var messages: [Message] = []
            for item in items {
                guard case .bulk(let bytes) = item else { continue }
                if bytes == Self.endMarker { break }
                guard let message = try? RedisMessageCodec.decode(bytes) else {
                    // A wrong entry: drop it and rebuild from the store.
                    await invalidate(room: roomID, name: "")
                    return .miss(fillToken: generation &+ 1)
                }
                messages.append(message)
            }
            return .hit(Array(messages.prefix(capacity)))
        } catch {
            outage.failed(error)
            return .miss(fillToken: .max)
        }
    }

    /// Fills only if nothing is cached and the generation is still the one seen at the miss.
    static let fillScript = """
        local gen = tonumber(redis.call('GET', KEYS[2]) or '0')
        if gen ~= tonumber(ARGV[1]) or redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        for i = 3, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return 1
        """

    public func fill(room roomID: ObjectID, messages: [Message], fillToken: UInt64) async {
        guard fillToken != .max else { return }
        do {
            var arguments: [[UInt8]] = [
                Array("EVAL".utf8), Array(Self.fillScript.utf8), Array("2".utf8),
                Array(RedisKeys.recent(roomID).utf8), Array(RedisKeys.recentGeneration(roomID).utf8),
                Array(String(fillToken).utf8), Array(String(ttlSeconds).utf8),
            ]
            for message in messages.prefix(capacity) { arguments.append(try RedisMessageCodec.encode(message)) }
            arguments.append(Self.endMarker)
            try await client.command(bytes: arguments)
            outage.recovered()
        } catch {
            outage.failed(error)
        }
    }

    public func append(_ message: Message) async {
        let key = Array(RedisKeys.recent(message.roomID).utf8)
        do {
            let encoded = try RedisMessageCodec.encode(message)
            // LPUSHX: only an existing (filled) list grows; a missing one is filled on the next join.
            let replies = try await client.pipeline(bytes: [
                [Array("INCR".utf8), Array(RedisKeys.recentGeneration(message.roomID).utf8)],
                [Array("LPUSHX".utf8), key, encoded],
                [Array("LTRIM".utf8), key, Array("0".utf8), Array(String(capacity).utf8)],
                [Array("EXPIRE".utf8), key, Array(String(ttlSeconds).utf8)],
                [Array("DEL".utf8), Array(RedisKeys.goRecentMessages(message.roomName).utf8)],
            ])
            if let error = replies.first(where: { if case .error = $0 { true } else { false } }) {
                throw RedisError(.server, "\(error)")
            }
            outage.recovered()
        } catch {
            outage.failed(error)
        }
    }

    public func invalidate(room roomID: ObjectID, name: String) async {
        var commands: [[String]] = [["INCR", RedisKeys.recentGeneration(roomID)], ["DEL", RedisKeys.recent(roomID)]]
        if !name.isEmpty { commands.append(["DEL", RedisKeys.goRecentMessages(name)]) }
        do {
            _ = try await client.pipeline(commands)
            outage.recovered()
        } catch {
            outage.failed(error)
        }
    }
}

import ChatCore
import Foundation
import RedisKit

/// The node registry in Redis: one key per node (`chatctl:node:<id>`) holding its
/// record's JSON, written with `SET … PX` so that Redis itself forgets a node that stops
/// refreshing it. Readers `SCAN` the keys and skip any record past its `expiresAt`.
public final class RedisNodeRegistry: NodeRegistry {
    private let client: RedisClient

    public init(client: RedisClient) { self.client = client }

    public func register(_ record: NodeRecord) async throws {
        let json = String(decoding: try record.json(), as: UTF8.self)
        let milliseconds = max(1, record.expiresAt.millisecondsSince1970 - Date().millisecondsSince1970)
        _ = try await redis { try await client.command(["SET", RedisKeys.node(record.id), json, "PX", String(milliseconds)]) }
    }

    public func deregister(nodeID: String) async throws {
        _ = try await redis { try await client.command(["DEL", RedisKeys.node(nodeID)]) }
    }

    public func liveNodes(at now: Date) async throws -> [NodeRecord] {
        try await redis {
            var keys: Set<String> = []
            var cursor = "0"
            repeat {
                let reply = try await client.command(["SCAN", cursor, "MATCH", RedisKeys.node("*"), "COUNT", "100"])
                guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let batch = parts[1].array else {
                    throw ChatError.backend("the node registry", detail: "Redis: unexpected SCAN reply \(reply)")
                }
                keys.formUnion(batch.compactMap(\.string))
                cursor = next
            } while cursor != "0"
            guard !keys.isEmpty else { return [] }
            let values = try await client.command(["MGET"] + keys.sorted()).array ?? []
            // A key gone meanwhile reads as null; a record this version cannot read is not shown.
            return values.compactMap { value in value.string.flatMap { try? NodeRecord.decode(Data($0.utf8)) } }
                .filter { $0.isLive(at: now) }
                .sorted { $0.id < $1.id }
        }
    }

    private func redis<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as ChatError {
            throw error
        } catch {
            throw ChatError.backend("the node registry", detail: "Redis: \(error)")
        }
    }
}

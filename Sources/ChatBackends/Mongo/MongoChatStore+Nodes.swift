import ChatCore
import Foundation
import MongoKit

/// The node registry on MongoDB (without Redis): collection `chatctl_nodes`, one document
/// per node (`_id` its id) holding its record's JSON in `record` and the BSON date
/// `expires_at`. Every write also deletes the documents that have expired (nodes that
/// died); readers skip expired ones meanwhile.
extension MongoChatStore {
    static let nodes = "chatctl_nodes"

    public func register(_ record: NodeRecord) async throws {
        let json = String(decoding: try record.json(), as: UTF8.self)
        try await mongo {
            _ = try await collection(Self.nodes).delete(["expires_at": .document(["$lte": MongoLayout.value(Date())])], many: true)
            _ = try await collection(Self.nodes).update(
                ["_id": .string(record.id)],
                ["$set": ["record": .string(json), "expires_at": MongoLayout.value(record.expiresAt)]], upsert: true)
        }
    }

    public func deregister(nodeID: String) async throws {
        _ = try await mongo { try await collection(Self.nodes).delete(["_id": .string(nodeID)]) }
    }

    public func liveNodes(at now: Date) async throws -> [NodeRecord] {
        let documents = try await mongo {
            try await collection(Self.nodes).find(["expires_at": .document(["$gt": MongoLayout.value(now)])], options: .init(sort: ["_id": 1]))
        }
        // A document this version cannot read (written by another version) is not shown.
        return documents.compactMap { document in document.string("record").flatMap { try? NodeRecord.decode(Data($0.utf8)) } }
    }
}

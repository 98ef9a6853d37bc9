import ChatCore
import Foundation
import MongoKit

/// Leases on MongoDB: collection `chatctl_leases`, one document per name (`_id`), taken
/// by an insert (free) or by replacing an expired holder with a conditional update.
extension MongoChatStore {
    static let leases = "chatctl_leases"

    public func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        try await mongo {
            do {
                try await collection(Self.leases).insertOne(["_id": .string(name), "token": .string(token), "expires_at": MongoLayout.value(expiresAt)])
                return true
            } catch let error as MongoError where error.kind == .duplicateKey {
                let taken = try await collection(Self.leases).update(
                    ["_id": .string(name), "expires_at": .document(["$lte": MongoLayout.value(Date())])],
                    ["$set": ["token": .string(token), "expires_at": MongoLayout.value(expiresAt)]])
                return taken.modified == 1
            }
        }
    }

    public func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        try await mongo {
            try await collection(Self.leases).update(
                ["_id": .string(name), "token": .string(token), "expires_at": .document(["$gt": MongoLayout.value(Date())])],
                ["$set": ["expires_at": MongoLayout.value(expiresAt)]]
            ).matched == 1
        }
    }

    public func releaseLease(_ name: String, token: String) async throws {
        _ = try await mongo { try await collection(Self.leases).delete(["_id": .string(name), "token": .string(token)]) }
    }
}

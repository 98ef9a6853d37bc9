import ChatCore
import Foundation
import MongoKit

/// Leases on MongoDB: collection `chatctl_leases`, one document per name (`_id`), taken
/// by an insert (free) or by replacing an expired holder with a conditional update.
extension MongoChatStore {
    static let leases = "chatctl_leases"

    public func acquireLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        do {
            do {
                try await collection(Self.leases).insertOne(["_id": .string(name), "token": .string(token), "expires_at": MongoLayout.value(expiresAt)])
                return true
            } catch let error as MongoError where error.kind == .duplicateKey {
                let taken = try await collection(Self.leases).update(
                    ["_id": .string(name), "expires_at": .document(["$lte": MongoLayout.value(Date())])],
                    ["$set": ["token": .string(token), "expires_at": MongoLayout.value(expiresAt)]])
                return taken.modified == 1
            }
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    public func renewLease(_ name: String, token: String, expiresAt: Date) async throws -> Bool {
        do {
            let result = try await collection(Self.leases).update(
                ["_id": .string(name), "token": .string(token), "expires_at": .document(["$gt": MongoLayout.value(Date())])],
                ["$set": ["expires_at": MongoLayout.value(expiresAt)]])
            return result.matched == 1
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    public func releaseLease(_ name: String, token: String) async throws {
        do {
            _ = try await collection(Self.leases).delete(["_id": .string(name), "token": .string(token)])
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }
}

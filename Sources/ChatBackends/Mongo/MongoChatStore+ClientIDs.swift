import ChatCore
import Foundation
import MongoKit

/// Client ids on MongoDB: a message carrying `client_id` is stored once per sender for a day.
///
/// Each (sender, client id) is claimed in `chatctl_client_ids` under `_id`
/// `"<sender hex>/<client id>"` with the id of the message that will carry it, before the
/// message is written; `_id` uniqueness makes the claim atomic across nodes, and a TTL
/// index forgets claims after a day. A resend finds the claim taken and answers with the
/// claimed message. If that message is not there (its write is still in flight, or
/// failed), the resend waits for it a few seconds, then takes the claim over with a
/// conditional update (one taker wins) and stores itself.
extension MongoChatStore {
    static let clientIDClaims = "chatctl_client_ids"

    /// How long a resend waits for a claimed message that is not stored yet.
    static let claimWait: Duration = .seconds(5)

    /// Claims the client ids of `messages` (none repeated among them). Returns, per
    /// sender and client id already claimed by a stored message, that message.
    func claimClientIDs(of messages: [Message]) async throws -> [ClientIDPlan.Key: Message] {
        let claiming = messages.filter { $0.clientID != nil }
        guard !claiming.isEmpty else { return [:] }
        let claims = collection(Self.clientIDClaims)
        do {
            try await claims.insertMany(claiming.map(claimDocument), ordered: false)
            return [:]
        } catch let error as MongoError where error.kind == .duplicateKey {
            // Some claims were held already: which, and by which message?
            let ids: [BSONValue] = claiming.compactMap { ClientIDPlan.Key($0).map { .string($0.claimID) } }
            let held = try await claims.find(["_id": ["$in": .array(ids)]])
            var holders: [String: ObjectID] = [:]
            for claim in held {
                if let id = claim.string("_id"), let holder = try? MongoLayout.id(claim, "message_id") { holders[id] = holder }
            }
            var earlier: [ClientIDPlan.Key: Message] = [:]
            for message in claiming {
                guard let key = ClientIDPlan.Key(message), let holder = holders[key.claimID], holder != message.id else { continue }
                if let stored = try await claimedMessage(key: key, holder: holder, claimant: message) { earlier[key] = stored }
            }
            return earlier
        }
    }

    /// After a failed write: gives back the claims of the messages that did not get in,
    /// so their resends need not wait (when the store cannot even say, they keep them).
    func releaseClaims(of messages: [Message]) async {
        let claiming = messages.filter { $0.clientID != nil }
        guard !claiming.isEmpty,
            let present = try? await collection(MongoLayout.messages).find(
                ["_id": ["$in": .array(claiming.map { MongoLayout.value($0.id) })]], options: .init(projection: ["_id": 1]))
        else { return }
        let stored = Set(present.compactMap { try? MongoLayout.id($0, "_id") })
        for message in claiming where !stored.contains(message.id) {
            guard let key = ClientIDPlan.Key(message) else { continue }
            _ = try? await collection(Self.clientIDClaims).delete(["_id": .string(key.claimID), "message_id": MongoLayout.value(message.id)])
        }
    }

    /// The message holding `key`'s claim once it is stored; nil when `claimant` took the
    /// claim over because that message never appeared.
    private func claimedMessage(key: ClientIDPlan.Key, holder: ObjectID, claimant: Message) async throws -> Message? {
        var holder = holder
        let deadline = ContinuousClock.now + Self.claimWait
        while true {
            let documents = try await collection(MongoLayout.messages).find(["_id": MongoLayout.value(holder)], options: .init(limit: 1))
            if let document = documents.first {
                return try await withNames([document], roomID: try MongoLayout.id(document, "room_id")).first
            }
            if ContinuousClock.now >= deadline {
                let taken = try await collection(Self.clientIDClaims).findOneAndUpdate(
                    ["_id": .string(key.claimID), "message_id": MongoLayout.value(holder)],
                    ["$set": ["message_id": MongoLayout.value(claimant.id), "at": MongoLayout.value(Date())]])
                if taken != nil { return nil }
                // Someone else changed the claim meanwhile: follow it.
                guard let claim = try await collection(Self.clientIDClaims).findOne(["_id": .string(key.claimID)]) else {
                    // Expired or released: claim it afresh.
                    try await collection(Self.clientIDClaims).insertOne(claimDocument(claimant))
                    return nil
                }
                holder = try MongoLayout.id(claim, "message_id")
                if holder == claimant.id { return nil }
                continue
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func claimDocument(_ message: Message) -> BSONDocument {
        ["_id": .string(ClientIDPlan.Key(message)?.claimID ?? ""), "message_id": MongoLayout.value(message.id), "at": MongoLayout.value(Date())]
    }
}

extension ClientIDPlan.Key {
    /// The claim's `_id` in `chatctl_client_ids`.
    var claimID: String { senderID.hex + "/" + clientID }
}

import ChatCore
import Foundation

/// `chatctl db copy` on the memory store (for tests): every page sorts the whole
/// collection, which is fine for a test store.
extension MemoryChatStore: StoreTransfer {
    public func recordCount(of collection: StoreCollection) async throws -> Int {
        switch collection {
        case .users: usersByID.count
        case .rooms: roomsByID.count
        case .roomMutes: mutesByRoom.values.reduce(0) { $0 + $1.count }
        case .messages: messagesByRoom.values.reduce(0) { $0 + $1.count }
        case .archivedMessages: archived.count
        case .notifications: notificationsByReceiver.values.reduce(0) { $0 + $1.count }
        case .reports: reportsByID.count
        case .auditLog: auditLog.count
        case .moderationNotices: moderationNoticeLog.count
        }
    }

    public func records(of collection: StoreCollection, after key: String?, limit: Int) async throws -> RecordBatch {
        page(of: collection) { candidate in key.map { candidate > $0 } ?? true }.prefix(limit)
    }

    public func records(of collection: StoreCollection, keys: [String]) async throws -> RecordBatch {
        let wanted = Set(keys)
        return page(of: collection) { wanted.contains($0) }.prefix(Int.max)
    }

    /// The records of `collection` whose keys `include` accepts, in key order.
    private func page(of collection: StoreCollection, _ include: (String) -> Bool) -> MemoryPage {
        switch collection {
        case .users:
            return MemoryPage(.users(usersByID.values.filter { include($0.id.hex) }.sorted { $0.id < $1.id }))
        case .rooms:
            let records = roomsByID.values.filter { include($0.id.hex) }.sorted { $0.id < $1.id }.map { room in
                RoomRecord(room: room, lastSequence: lastSequenceByRoom[room.id] ?? 0)
            }
            return MemoryPage(.rooms(records))
        case .roomMutes:
            let mutes = mutesByRoom.values.flatMap(\.values).filter { include(RecordBatch.key(of: $0)) }
            return MemoryPage(.roomMutes(mutes.sorted { RecordBatch.key(of: $0) < RecordBatch.key(of: $1) }))
        case .messages:
            return MemoryPage(.messages(messagesByRoom.values.joined().filter { include($0.id.hex) }.sorted { $0.id < $1.id }.map(Self.withoutNames)))
        case .archivedMessages:
            return MemoryPage(.archivedMessages(archived.values.filter { include($0.id.hex) }.sorted { $0.id < $1.id }.map(Self.withoutNames)))
        case .notifications:
            return MemoryPage(.notifications(notificationsByReceiver.values.joined().filter { include($0.id.hex) }.sorted { $0.id < $1.id }))
        case .reports:
            return MemoryPage(.reports(reportsByID.values.filter { include($0.id.hex) }.sorted { $0.id < $1.id }))
        case .auditLog:
            return MemoryPage(.auditLog(auditLog.filter { include($0.id.hex) }.sorted { $0.id < $1.id }))
        case .moderationNotices:
            return MemoryPage(.moderationNotices(moderationNoticeLog.filter { include($0.id.hex) }.sorted { $0.id < $1.id }))
        }
    }

    /// A message as a record: the names a read joins in are not part of it.
    private static func withoutNames(_ message: Message) -> Message {
        var record = message
        record.roomName = ""
        record.senderName = ""
        return record
    }

    /// Checks every unique value first, then writes: a batch is all or nothing.
    public func upsert(_ batch: RecordBatch) async throws {
        switch batch {
        case .users(let users):
            for user in users {
                if let holder = userIDsByName[user.username], holder != user.id {
                    throw ChatError.copyConflict("username", detail: "'\(user.username)' is user \(holder.hex) there, \(user.id.hex) here")
                }
                if let holder = userIDsByEmail[user.email], holder != user.id {
                    throw ChatError.copyConflict("email", detail: "'\(user.email)' is user \(holder.hex) there, \(user.id.hex) here")
                }
            }
            for user in users {
                if let old = usersByID[user.id] {
                    userIDsByName[old.username] = nil
                    userIDsByEmail[old.email] = nil
                }
                usersByID[user.id] = user
                userIDsByName[user.username] = user.id
                userIDsByEmail[user.email] = user.id
            }
        case .rooms(let records):
            for record in records {
                if let holder = roomIDsByName[record.room.name], holder != record.room.id {
                    throw ChatError.copyConflict("name", detail: "room '\(record.room.name)' is \(holder.hex) there, \(record.room.id.hex) here")
                }
            }
            for record in records {
                if let old = roomsByID[record.room.id] { roomIDsByName[old.name] = nil }
                roomsByID[record.room.id] = record.room
                roomIDsByName[record.room.name] = record.room.id
                raiseSequence(inRoom: record.room.id, to: record.lastSequence)
            }
        case .roomMutes(let mutes):
            for mute in mutes { mutesByRoom[mute.roomID, default: [:]][mute.userID] = mute }
        case .messages(let messages):
            var touched = Set<ObjectID>()
            for message in messages {
                // A message never changes rooms: it is looked for in its own.
                if let index = messagesByRoom[message.roomID]?.firstIndex(where: { $0.id == message.id }) {
                    messagesByRoom[message.roomID]![index] = message
                } else {
                    messagesByRoom[message.roomID, default: []].append(message)
                }
                touched.insert(message.roomID)
                raiseSequence(inRoom: message.roomID, to: message.sequence)
            }
            // Kept in sequence order.
            for room in touched { messagesByRoom[room]!.sort { ($0.sequence, $0.timestamp, $0.id) < ($1.sequence, $1.timestamp, $1.id) } }
        case .archivedMessages(let messages):
            for message in messages {
                archived[message.id] = message
                raiseSequence(inRoom: message.roomID, to: message.sequence)
            }
        case .notifications(let notifications):
            for notification in notifications {
                if let index = notificationsByReceiver[notification.receiverID]?.firstIndex(where: { $0.id == notification.id }) {
                    notificationsByReceiver[notification.receiverID]![index] = notification
                } else {
                    notificationsByReceiver[notification.receiverID, default: []].append(notification)
                }
            }
        case .reports(let reports):
            // One report per reporter and message, as `insertReport` keeps it.
            for report in reports {
                let sameReport = { (other: Report) in other.id != report.id && other.reporterID == report.reporterID && other.messageID == report.messageID }
                if let holder = reportsByID.values.first(where: sameReport) {
                    throw ChatError.copyConflict(
                        "report",
                        detail: "user \(report.reporterID.hex)'s report of message \(report.messageID.hex) is \(holder.id.hex) there, \(report.id.hex) here")
                }
            }
            for report in reports { reportsByID[report.id] = report }
        case .auditLog(let records):
            for record in records {
                if let index = auditLog.firstIndex(where: { $0.id == record.id }) { auditLog[index] = record } else { auditLog.append(record) }
            }
        case .moderationNotices(let notices):
            for notice in notices {
                if let index = moderationNoticeLog.firstIndex(where: { $0.id == notice.id }) {
                    moderationNoticeLog[index] = notice
                } else {
                    moderationNoticeLog.append(notice)
                }
            }
        }
    }
}

/// A memory page before its limit is applied.
struct MemoryPage {
    let batch: RecordBatch

    init(_ batch: RecordBatch) { self.batch = batch }

    /// The first `limit` records (the batch is in key order).
    func prefix(_ limit: Int) -> RecordBatch {
        switch batch {
        case .users(let records): .users(Array(records.prefix(limit)))
        case .rooms(let records): .rooms(Array(records.prefix(limit)))
        case .roomMutes(let records): .roomMutes(Array(records.prefix(limit)))
        case .messages(let records): .messages(Array(records.prefix(limit)))
        case .archivedMessages(let records): .archivedMessages(Array(records.prefix(limit)))
        case .notifications(let records): .notifications(Array(records.prefix(limit)))
        case .reports(let records): .reports(Array(records.prefix(limit)))
        case .auditLog(let records): .auditLog(Array(records.prefix(limit)))
        case .moderationNotices(let records): .moderationNotices(Array(records.prefix(limit)))
        }
    }
}

import ChatCore
import Foundation

/// Moderation (one sender's messages too) and the moderation-notice log, in memory.
extension MemoryChatStore {
    public func locateMessage(id: ObjectID) async throws -> LocatedMessage? {
        for messages in messagesByRoom.values {
            if let found = messages.first(where: { $0.id == id }) { return LocatedMessage(message: withNames(found), place: .live) }
        }
        return archived[id].map { LocatedMessage(message: withNames($0), place: .archived) }
    }

    public func redactMessages(ids: [ObjectID], redaction: Redaction) async throws -> Int {
        let wanted = Set(ids)
        var changed = 0
        for room in messagesByRoom.keys {
            for index in messagesByRoom[room]!.indices {
                let message = messagesByRoom[room]![index]
                guard wanted.contains(message.id), message.redaction == nil else { continue }
                messagesByRoom[room]![index].content = ""
                messagesByRoom[room]![index].redaction = redaction
                changed += 1
            }
        }
        for id in wanted {
            guard var copy = archived[id], copy.redaction == nil else { continue }
            copy.content = ""
            copy.redaction = redaction
            archived[id] = copy
            changed += 1
        }
        return changed
    }

    public func redactNotifications(ids: [ObjectID]) async throws -> Int {
        let wanted = Set(ids)
        var changed = 0
        for receiver in notificationsByReceiver.keys {
            for index in notificationsByReceiver[receiver]!.indices {
                let notification = notificationsByReceiver[receiver]![index]
                guard wanted.contains(notification.id), !notification.content.isEmpty else { continue }
                notificationsByReceiver[receiver]![index].content = ""
                changed += 1
            }
        }
        return changed
    }

    public func redactNotifications(sentBy sender: ObjectID) async throws -> Int {
        var changed = 0
        for receiver in notificationsByReceiver.keys {
            for index in notificationsByReceiver[receiver]!.indices {
                let notification = notificationsByReceiver[receiver]![index]
                guard notification.senderID == sender, !notification.content.isEmpty else { continue }
                notificationsByReceiver[receiver]![index].content = ""
                changed += 1
            }
        }
        return changed
    }

    public func deleteNotifications(ids: [ObjectID]) async throws -> Int {
        let wanted = Set(ids)
        var deleted = 0
        for receiver in notificationsByReceiver.keys {
            let before = notificationsByReceiver[receiver]!.count
            notificationsByReceiver[receiver]!.removeAll { wanted.contains($0.id) }
            deleted += before - notificationsByReceiver[receiver]!.count
        }
        return deleted
    }

    // MARK: One sender's messages

    public func messages(matching query: SenderMessageQuery, in place: LocatedMessage.Place, limit: Int) async throws -> [Message] {
        let matching = senderMessages(matching: query, in: place).sorted { ($0.timestamp, $0.id.hex) < ($1.timestamp, $1.id.hex) }
        return Array(matching.prefix(limit).map(withNames))
    }

    public func countMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) async throws -> Int {
        senderMessages(matching: query, in: place).count
    }

    private func senderMessages(matching query: SenderMessageQuery, in place: LocatedMessage.Place) -> [Message] {
        switch place {
        case .live: messagesByRoom.values.joined().filter { query.matches($0) }
        case .archived: archived.values.filter { query.matches($0) }
        }
    }

    // MARK: Moderation notices

    public func recordModerationNotice(_ notice: ModerationNotice) async throws {
        let dayAgo = Date().addingTimeInterval(-86_400)
        moderationNoticeLog.removeAll { $0.at < dayAgo }
        moderationNoticeLog.append(notice)
    }

    public func moderationNotices(since: Date) async throws -> [ModerationNotice] {
        moderationNoticeLog.filter { $0.at >= since }.sorted { ($0.at, $0.id.hex) < ($1.at, $1.id.hex) }
    }
}

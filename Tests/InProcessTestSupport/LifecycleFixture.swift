import ChatCore
import Foundation

/// Rooms with different data lifecycles and messages of known ages, for the archive and
/// retention tests on every store; with what a run at `now` must leave.
///
/// Defaults: archived after 30 days, kept 60 days. Each room has live messages 1, 10, 40,
/// 70 and 100 days old (content `<room> <age>`):
/// - `fast`: its own 7 days and 30 days → archives 10, 40, 70, 100; deletes 40, 70, 100.
/// - `keep`: the default age, its own retention none → archives 40, 70, 100; deletes none.
/// - `short`: the default age, its own 5 days → archives 40, 70, 100 and deletes them; the
///   10-day message is past the retention but not archived, so it stays (only archived
///   messages are deleted).
/// - `plain`: the defaults → archives 40, 70, 100; deletes 70, 100.
/// - `gone`: deleted after its messages (40 and 100 days) were posted, so it follows the
///   defaults → archives both, deletes the 100-day one.
public struct LifecycleFixture: Sendable {
    public static let day = 86_400
    public static let defaults = LifecyclePolicy(archiveAfterSeconds: 30 * day, retention: .seconds(60 * day))
    public static let ages = [1, 10, 40, 70, 100]

    public let now: Date
    /// The rooms that exist, by name.
    public let rooms: [String: Room]
    /// The deleted room's id.
    public let goneID: ObjectID
    /// Every message seeded, by content.
    public let messages: [String: Message]

    /// What stays live, what ends archived (by content), what goes; and the plan's counts.
    public static let expectedLive: Set<String> = ["fast 1", "keep 1", "keep 10", "short 1", "short 10", "plain 1", "plain 10"]
    public static let expectedArchived: Set<String> = ["fast 10", "keep 40", "keep 70", "keep 100", "plain 40", "gone 40"]
    public static let plannedArchive: [String: Int] = ["fast": 4, "keep": 3, "short": 3, "plain": 3, "gone": 2]
    public static let plannedDelete: [String: Int] = ["fast": 3, "keep": 0, "short": 3, "plain": 2, "gone": 1]

    /// Each room's own lifecycle, by label.
    public static let roomRules: [(label: String, rules: RoomRules)] = [
        ("fast", RoomRules(archiveAfterSeconds: 7 * day, retention: .seconds(30 * day))),
        ("keep", RoomRules(retention: .forever)),
        ("short", RoomRules(retention: .seconds(5 * day))),
        ("plain", RoomRules()),
    ]

    /// Seeds `store` at `now` (all messages live); `withRules: false` leaves the rooms at
    /// the defaults, for a test that sets `roomRules` itself (`chatctl rooms set`).
    public static func seed(_ store: any ChatStore, now: Date = Date(), withRules: Bool = true) async throws -> LifecycleFixture {
        let now = now.truncatedToMilliseconds
        let suffix = String(UUID().uuidString.prefix(6))
        var rooms: [String: Room] = [:]
        var messages: [String: Message] = [:]
        let sender = ObjectID()
        func post(_ room: Room, label: String, ages: [Int]) async throws {
            let batch = ages.map { age in
                Message(
                    roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: "\(label) \(age)",
                    timestamp: now.addingTimeInterval(-Double(age * day) - 1))
            }
            for message in try await store.insertMessages(batch) { messages[message.content] = message }
        }
        for (label, rules) in roomRules {
            let room = Room(name: "\(label)-\(suffix)", rules: withRules ? rules : RoomRules())
            try await store.insertRoom(room)
            rooms[label] = room
            try await post(room, label: label, ages: ages)
        }
        let gone = Room(name: "gone-\(suffix)")
        try await store.insertRoom(gone)
        try await post(gone, label: "gone", ages: [40, 100])
        _ = try await store.deleteRoom(id: gone.id)
        return LifecycleFixture(now: now, rooms: rooms, goneID: gone.id, messages: messages)
    }

    /// The fixture's label of a planned room (`fast`, …, `gone`), nil for another room.
    public func label(of roomID: ObjectID) -> String? {
        if roomID == goneID { return "gone" }
        return rooms.first { $0.value.id == roomID }?.key
    }

    /// The contents of the fixture's messages now live and now archived (each listed once
    /// per copy, so a message in both collections shows in both).
    public func contents(in store: any ArchiveStore & RoomStore) async throws -> (live: [String], archived: [String]) {
        let ids = Set(messages.values.map(\.id))
        let farFuture = now.addingTimeInterval(86_400)
        let live = try await store.oldMessages(olderThan: farFuture, room: nil, limit: 100_000).filter { ids.contains($0.id) }.map(\.content)
        let archived = try await store.archivedMessages(room: nil, from: nil, to: nil, limit: 100_000).filter { ids.contains($0.id) }.map(\.content)
        return (live, archived)
    }
}

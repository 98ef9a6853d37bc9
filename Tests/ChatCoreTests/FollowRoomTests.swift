import ChatCore
import ChatInProcess
import Foundation
import InProcessTestSupport
import Testing

/// `FollowRoom` on the memory store: where it starts, then every message once and in
/// order, through a dropped subscription and a store outage.
@Suite("following a room")
struct FollowRoomTests {
    static let sender = ObjectID()

    /// Reads the store every 20 ms; retries after 20 ms.
    static let quick = FollowRoom.Timing(
        pollInterval: .milliseconds(20), liveCheckInterval: .milliseconds(20), tick: .milliseconds(5), retryDelay: { _ in .milliseconds(20) })
    /// Reads the store only when the feed asks (the clock's reads are an hour apart).
    static let feedDriven = FollowRoom.Timing(
        pollInterval: .seconds(3600), liveCheckInterval: .seconds(3600), tick: .milliseconds(5), retryDelay: { _ in .milliseconds(20) })

    static func room(named name: String, in store: MemoryChatStore) async throws -> Room {
        let room = Room(name: name)
        try await store.insertRoom(room)
        return room
    }

    /// Stores one message per content, in order (as chatctl's nodes store them).
    @discardableResult
    static func post(_ contents: [String], in room: Room, to store: MemoryChatStore) async throws -> [Message] {
        try await store.insertMessages(contents.map {
            Message(roomID: room.id, roomName: room.name, senderID: sender, senderName: "s", content: $0)
        })
    }

    /// Runs `body` while `follow` follows from `follower`, telling `recorder`; stops it after.
    static func following(
        _ follow: FollowRoom, from follower: RoomFollower, into recorder: FollowRecorder, _ body: () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await follow.follow(from: follower) { recorder.record($0) } }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test("starts after the last N, shown first and oldest first, then hands on each new message once, in order")
    func polling() async throws {
        let store = MemoryChatStore()
        let room = try await Self.room(named: "r", in: store)
        let old = try await Self.post((0..<12).map { "old \($0)" }, in: room, to: store)
        let follow = FollowRoom(rooms: store, messages: store, feed: nil, timing: Self.quick)
        let started = try await follow.start(room: "r", from: .recent(10))
        #expect(started.room.id == room.id)
        #expect(started.first.map(\.id) == old.suffix(10).map(\.id))
        let recorder = FollowRecorder()
        var new: [Message] = []
        try await Self.following(follow, from: started.follower, into: recorder) {
            for batch in 0..<4 {
                new += try await Self.post((0..<3).map { "new \(batch).\($0)" }, in: room, to: store)
                let count = new.count
                #expect(try await waitUntil { recorder.messages.count >= count })
            }
        }
        #expect(recorder.messages.map(\.id) == new.map(\.id))
        #expect(recorder.notices.isEmpty)
    }

    @Test("--since: every message after that one first, then the new ones; --last 0 shows none and starts at the newest")
    func since() async throws {
        let store = MemoryChatStore()
        let room = try await Self.room(named: "r", in: store)
        let old = try await Self.post((0..<6).map { "old \($0)" }, in: room, to: store)
        let follow = FollowRoom(rooms: store, messages: store, feed: nil, timing: Self.quick)
        let started = try await follow.start(room: "r", from: .after(old[2].id))
        #expect(started.first.isEmpty)
        let recorder = FollowRecorder()
        var expected = Array(old[3...])
        try await Self.following(follow, from: started.follower, into: recorder) {
            expected += try await Self.post(["new"], in: room, to: store)
            let count = expected.count
            #expect(try await waitUntil { recorder.messages.count >= count })
        }
        #expect(recorder.messages.map(\.id) == expected.map(\.id))

        let none = try await follow.start(room: "r", from: .recent(0))
        #expect(none.first.isEmpty && none.follower.sequence == 7)
    }

    @Test("an unknown room, or --since a message that is not in the room, is refused before following")
    func refusals() async throws {
        let store = MemoryChatStore()
        _ = try await Self.room(named: "r", in: store)
        let other = try await Self.room(named: "o", in: store)
        let elsewhere = try await Self.post(["elsewhere"], in: other, to: store)
        let follow = FollowRoom(rooms: store, messages: store, feed: nil, timing: Self.quick)
        await #expect(throws: ChatError.roomNotFound) { try await follow.start(room: "nowhere", from: .recent(10)) }
        do {
            _ = try await follow.start(room: "r", from: .after(elsewhere[0].id))
            Issue.record("a message of another room was accepted")
        } catch let error as ChatError {
            #expect(error.kind == .notFound && error.field == "since", "\(error)")
        }
    }

    @Test("a dropped subscription: what was stored meanwhile is caught up once subscribed again; late copies are dropped")
    func droppedSubscription() async throws {
        let store = MemoryChatStore()
        let room = try await Self.room(named: "r", in: store)
        let feed = ScriptedFeed()
        let follow = FollowRoom(rooms: store, messages: store, feed: feed, timing: Self.feedDriven)
        let started = try await follow.start(room: "r", from: .recent(10))
        let recorder = FollowRecorder()
        try await Self.following(follow, from: started.follower, into: recorder) {
            feed.send(.subscribed)
            let first = try await Self.post(["first"], in: room, to: store)
            feed.send(.message(first[0]))
            #expect(try await waitUntil { recorder.messages.count >= 1 })

            // The subscription drops (and its reconnects fail for a while); messages are
            // stored and published meanwhile, and nobody hears them.
            feed.send(.disconnected(reason: "connection reset (test)"))
            feed.send(.disconnected(reason: "connection refused (test)"))
            let missed = try await Self.post(["missed 1", "missed 2"], in: room, to: store)
            feed.send(.subscribed)
            // Copies that come late, and one message of another room.
            for late in Array(missed.reversed()) + first { feed.send(.message(late)) }
            feed.send(.message(Message(roomID: ObjectID(), roomName: "o", senderID: Self.sender, senderName: "s", content: "other room", sequence: 9)))
            let after = try await Self.post(["after"], in: room, to: store)
            feed.send(.message(after[0]))
            #expect(try await waitUntil { recorder.messages.count >= 4 })
        }
        #expect(recorder.messages.map(\.content) == ["first", "missed 1", "missed 2", "after"])
        #expect(recorder.notices == [.unavailable(.fanout, reason: "connection reset (test)"), .recovered(.fanout)])
    }

    @Test("a fan-out message that skips a number brings the skipped one from the store first")
    func fanoutGap() async throws {
        let store = MemoryChatStore()
        let room = try await Self.room(named: "r", in: store)
        let feed = ScriptedFeed()
        let follow = FollowRoom(rooms: store, messages: store, feed: feed, timing: Self.feedDriven)
        let started = try await follow.start(room: "r", from: .recent(10))
        let recorder = FollowRecorder()
        try await Self.following(follow, from: started.follower, into: recorder) {
            feed.send(.subscribed)
            let posted = try await Self.post(["one", "two", "three"], in: room, to: store)
            // Only the last one reaches the feed (the others' publishes were lost).
            feed.send(.message(posted[2]))
            #expect(try await waitUntil { recorder.messages.count >= 3 })
        }
        #expect(recorder.messages.map(\.content) == ["one", "two", "three"])
    }

    @Test("a store outage is told once, retried, and following resumes where it stood")
    func storeOutage() async throws {
        let memory = MemoryChatStore()
        let room = try await Self.room(named: "r", in: memory)
        let store = FlakyMessageStore(base: memory)
        let follow = FollowRoom(rooms: memory, messages: store, feed: nil, timing: Self.quick)
        let started = try await follow.start(room: "r", from: .recent(10))
        let recorder = FollowRecorder()
        try await Self.following(follow, from: started.follower, into: recorder) {
            try await Self.post(["before"], in: room, to: memory)
            #expect(try await waitUntil { recorder.messages.count >= 1 })
            store.setFailing(true)
            try await Self.post(["during 1", "during 2"], in: room, to: memory)
            #expect(try await waitUntil { store.failedReads >= 3 }, "retried")
            store.setFailing(false)
            #expect(try await waitUntil { recorder.messages.count >= 3 })
        }
        #expect(recorder.messages.map(\.content) == ["before", "during 1", "during 2"])
        let notices = recorder.notices
        #expect(notices.count == 2, "\(notices)")
        if case .unavailable(.store, let reason) = notices.first {
            #expect(reason.contains("unreachable (test)"))
        } else {
            Issue.record("no outage told: \(notices)")
        }
        #expect(notices.last == .recovered(.store))
        // The end of the outage is told before what it held back.
        let recoveredAt = try #require(recorder.events.firstIndex(of: .recovered(.store)))
        let heldBack = recorder.events[(recoveredAt + 1)...].flatMap { event -> [String] in
            guard case .messages(let messages) = event else { return [] }
            return messages.map(\.content)
        }
        #expect(heldBack == ["during 1", "during 2"])
    }
}

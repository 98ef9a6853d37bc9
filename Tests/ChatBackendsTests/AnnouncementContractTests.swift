import ChatBackends
import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// A system message (`chatctl post --system`) on each store: its fixed sender is no user,
/// so every store must keep it and read it back like any message.
@Suite("store contract: system messages")
struct AnnouncementContractTests {
    typealias Kind = StoreContractTests.Kind

    struct SilentPusher: NotificationPusher {
        func push(_ notifications: [ChatNotification]) -> Int { 0 }
    }

    @Test("stored with the room's next seq from the system sender, read back marked as such (no user's name joins it), once per client id; every member notified", arguments: StoreContractTests.kinds)
    func systemMessage(kind: Kind) async throws {
        let store = try await StoreContractTests.makeStore(kind)
        let ada = User(username: "ada", email: "ada@example.com", passwordHash: "h")
        let bob = User(username: "bob", email: "bob@example.com", passwordHash: "h")
        try await store.insertUser(ada)
        try await store.insertUser(bob)
        let room = Room(name: "notices", members: [ada.id, bob.id])
        try await store.insertRoom(room)
        let ports = await ChatPorts.inMemory(store: store, label: "announcement-contract")
        let hello = try await PostMessage(ports: ports)(content: "hello", from: ada, in: room)
        let posted = try await PostMessage(ports: ports).announce(content: "maintenance", clientID: "chatctl-post-x", as: .system, in: room)
        #expect(posted.message.sequence == hello.sequence + 1 && posted.message.isSystem)
        let again = try await PostMessage(ports: ports).announce(content: "maintenance", clientID: "chatctl-post-x", as: .system, in: room)
        #expect(again.isRepeat && again.message.id == posted.message.id)

        let recent = try await store.recentMessages(inRoom: room.id, limit: 10)
        #expect(recent.map(\.id) == [posted.message.id, hello.id])
        let stored = try #require(recent.first)
        #expect(stored.senderID == Message.systemSenderID && stored.isSystem && stored.shownSenderName == "system")
        #expect(stored.sequence == posted.message.sequence && stored.content == "maintenance" && stored.roomName == "notices")
        #expect(try await store.messages(inRoom: room.id, afterSequence: hello.sequence, limit: 10).map(\.id) == [posted.message.id])

        let event = MessageEvent(message: stored)
        let outcome = try await DeliverNotifications(store: store, pusher: SilentPusher())(event, eventKey: NotificationID.eventKey(for: event, rawBody: []))
        #expect(Set(outcome.notifications.map(\.receiverID)) == [ada.id, bob.id])
        #expect(try await store.notifications(for: bob.id, limit: 10).first?.senderID == Message.systemSenderID)
    }
}

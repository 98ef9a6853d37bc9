import ChatBackends
import ChatCore
import Logging
import Synchronization

/// A fan-out receiver that records what it was handed.
final class RecordingReceiver: FanoutReceiver {
    private let messages = Mutex<[Message]>([])

    func deliver(_ message: Message) { messages.withLock { $0.append(message) } }
    var delivered: [Message] { messages.withLock { $0 } }
}

/// An event queue that records what it was handed.
actor RecordingEvents: MessageEventQueue {
    private(set) var events: [MessageEvent] = []
    func publish(_ event: MessageEvent) async { events.append(event) }
}

/// A store whose message inserts fail, to prove nothing is broadcast unstored.
actor FailingMessageStore: ChatStore {
    let base = MemoryChatStore()
    nonisolated var displayName: String { "failing" }
    func ping() async throws {}
    func insertUser(_ user: User) async throws { try await base.insertUser(user) }
    func user(named username: String) async throws -> User? { try await base.user(named: username) }
    func user(id: ObjectID) async throws -> User? { try await base.user(id: id) }
    func insertRoom(_ room: Room) async throws { try await base.insertRoom(room) }
    func room(named name: String) async throws -> Room? { try await base.room(named: name) }
    func allRooms() async throws -> [Room] { try await base.allRooms() }
    func addMember(_ userID: ObjectID, toRoom roomID: ObjectID) async throws { try await base.addMember(userID, toRoom: roomID) }
    func insertMessage(_ message: Message) async throws { throw ChatError.backend("disk full") }
    func insertMessages(_ messages: [Message]) async throws { throw ChatError.backend("disk full") }
    func recentMessages(inRoom roomID: ObjectID, limit: Int) async throws -> [Message] { [] }
    func insertNotifications(_ notifications: [ChatNotification]) async throws {}
    func notifications(for receiverID: ObjectID, limit: Int) async throws -> [ChatNotification] { [] }
}

struct TestPorts {
    let ports: ChatPorts
    let receiver = RecordingReceiver()
    let events = RecordingEvents()

    init(store: any ChatStore = MemoryChatStore()) async {
        var logger = Logger(label: "core-test")
        logger.logLevel = .critical
        let fanout = LocalFanout()
        ports = ChatPorts(
            store: store, cache: MemoryRecentCache(), fanout: fanout, events: events,
            hasher: BcryptPasswordHasher(cost: 4), tokens: await JWTTokenAuthority(secret: "core-test-secret-0123456789abcdef"),
            revokedTokens: MemoryRevokedTokens(), logger: logger)
        await fanout.attach(receiver)
    }

    func user(_ name: String) async throws -> User {
        try await SignUp(ports: ports)(username: name, email: "\(name)@example.com", password: "correct horse")
    }
}

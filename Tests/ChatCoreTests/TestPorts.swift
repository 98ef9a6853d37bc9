import ChatInProcess
import ChatCore
import InProcessTestSupport
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

struct TestPorts {
    let ports: ChatPorts
    let receiver = RecordingReceiver()
    let events = RecordingEvents()

    init(store: any ChatStore = MemoryChatStore()) async {
        let fanout = LocalFanout()
        ports = await ChatPorts.inMemory(store: store, fanout: fanout, events: events, label: "core-test")
        await fanout.attach(receiver)
    }

    func user(_ name: String) async throws -> User {
        try await SignUp(ports: ports)(username: name, email: "\(name)@example.com", password: "correct horse")
    }
}

import ChatTestSupport
import Foundation
import Synchronization

/// A chat client that does what a well-behaved app does through faults: every message
/// carries a `client_id`; a message counts as acknowledged once the client sees its own
/// message come back with that id; until then it is resent (same `client_id`) after a
/// timeout or on a new connection, to whichever chat node is up.
final class FaultSender: Sendable {
    struct Stats: Sendable {
        var attempts = 0
        var resends = 0
        var reconnects = 0
        /// client id → message id, for acknowledged messages.
        var acknowledged: [String: String] = [:]
        var gaveUp: [String] = []
    }

    let name: String
    let token: String
    let room: String
    private let nodes: Mutex<[String]>
    private let stats = Mutex(Stats())
    private let stopping = Atomic<Bool>(false)

    /// - Parameter nodes: WebSocket base URLs (`ws://127.0.0.1:PORT`) of the chat nodes, first preferred.
    init(name: String, token: String, room: String, nodes: [String]) {
        self.name = name
        self.token = token
        self.room = room
        self.nodes = Mutex(nodes)
    }

    var snapshot: Stats { stats.withLock { $0 } }

    /// How many of this sender's messages have been acknowledged so far.
    var acknowledgedCount: Int { stats.withLock { $0.acknowledged.count } }

    /// A node is gone for good: connect elsewhere from now on.
    func forget(node: String) { nodes.withLock { $0.removeAll { $0 == node } } }

    /// Finish the message in flight (until acknowledged), then stop.
    func stop() { stopping.store(true, ordering: .relaxed) }

    /// Posts until stopped, one message at a time, `pause` between them.
    func run(pause: Duration = .milliseconds(40)) async {
        var socket: TestSocket?
        var index = 0
        var connection = 0
        while !stopping.load(ordering: .relaxed) {
            let clientID = "\(name)-\(index)"
            let frame = #"{"type":"message","content":"\#(name) says \#(index)","client_id":"\#(clientID)"}"#
            let started = ContinuousClock.now
            var sentOnce = false
            var acknowledged = false
            while !acknowledged {
                if ContinuousClock.now - started > .seconds(120) {
                    stats.withLock { $0.gaveUp.append(clientID) }
                    break
                }
                if socket == nil {
                    socket = await connect(attempt: connection)
                    connection += 1
                    if socket == nil {
                        try? await Task.sleep(for: .milliseconds(200))
                        continue
                    }
                }
                guard let live = socket else { continue }
                live.send(frame)
                stats.withLock { stats in
                    stats.attempts += 1
                    if sentOnce { stats.resends += 1 }
                }
                sentOnce = true
                switch await awaitAck(of: clientID, on: live) {
                case .acknowledged(let messageID):
                    stats.withLock { $0.acknowledged[clientID] = messageID }
                    acknowledged = true
                case .timedOut:
                    continue
                case .closed:
                    await live.close()
                    socket = nil
                }
            }
            index += 1
            try? await Task.sleep(for: pause)
        }
        await socket?.close()
    }

    private enum AckOutcome {
        case acknowledged(String)
        case timedOut
        case closed
    }

    /// Reads frames until this client id comes back (3 s at most).
    private func awaitAck(of clientID: String, on socket: TestSocket) async -> AckOutcome {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
            do {
                let frame = try await socket.nextObject("an ack", seconds: max(0.05, seconds))
                if frame["client_id"] as? String == clientID, frame["sender"] as? String == name, let id = frame["id"] as? String {
                    return .acknowledged(id)
                }
            } catch TestSocket.Failure.timedOut {
                return .timedOut
            } catch {
                return .closed
            }
        }
        return .timedOut
    }

    /// A joined socket on the next live node, or nil.
    private func connect(attempt: Int) async -> TestSocket? {
        let candidates = nodes.withLock { $0 }
        guard !candidates.isEmpty else { return nil }
        let node = candidates[attempt % candidates.count]
        if attempt > 0 { stats.withLock { $0.reconnects += 1 } }
        let socket = TestSocket(url: "\(node)/ws/join/?name=\(room)&token=\(token)")
        guard (try? await socket.nextArray(seconds: 10)) != nil else {
            await socket.close()
            return nil
        }
        return socket
    }
}

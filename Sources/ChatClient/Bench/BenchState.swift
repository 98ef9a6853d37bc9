import Synchronization

/// What the connections of one fan-out run share (every field is thread-safe).
final class BenchState: Sendable {
    let ledger: Mutex<DeliveryLedger>
    let connected = Atomic<Int>(0)
    let connectErrors = Atomic<Int>(0)
    let disconnects = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let sent = Atomic<Int>(0)
    let sendDeadline = Atomic<UInt64>(.max)
    let start = Gate()
    let stop = Gate()
    let firstError = Mutex<String?>(nil)
    private let clients: Int
    private let senders: Int
    private let roomCount: Int
    private let joinedPerRoom: Mutex<[Int]>
    private let sentBySender = Mutex<[Int: Int]>([:])
    private let echoWakers = Mutex<[AsyncStream<Void>.Continuation]>([])
    private let permits: Mutex<(available: Int, waiters: [CheckedContinuation<Void, Never>])>
    private let startConnected = Atomic<Int>(0)

    init(options: FanoutBench.Options) {
        clients = options.clients
        senders = Swift.min(options.senders, options.clients)
        roomCount = options.rooms.count
        ledger = Mutex(DeliveryLedger(receivers: options.clients))
        joinedPerRoom = Mutex(Array(repeating: 0, count: options.rooms.count))
        permits = Mutex((options.connectConcurrency, []))
    }

    // MARK: Connecting (at most `connectConcurrency` upgrades in flight)

    func acquireConnectPermit() async {
        await withCheckedContinuation { continuation in
            let now = permits.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func releaseConnectPermit() {
        let waiter = permits.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume()
    }

    func joined(room: Int) {
        connected.add(1, ordering: .relaxed)
        joinedPerRoom.withLock { $0[room] += 1 }
        releaseConnectPermit()
    }

    func connectFailed() {
        connectErrors.add(1, ordering: .relaxed)
        releaseConnectPermit()
    }

    var connectedOrFailed: Int { connected.load(ordering: .relaxed) + connectErrors.load(ordering: .relaxed) }

    /// Sockets per room when sending starts (what each message is expected to reach).
    func roomSizes() -> [Int] {
        startConnected.store(connected.load(ordering: .relaxed), ordering: .relaxed)
        return joinedPerRoom.withLock { $0 }
    }

    var connectedAtStart: Int { startConnected.load(ordering: .relaxed) }

    // MARK: Sending

    func register(echoWaker: AsyncStream<Void>.Continuation) {
        echoWakers.withLock { $0.append(echoWaker) }
    }

    /// The send phase is over: senders waiting for echoes stop waiting.
    func finishSending() {
        for waker in echoWakers.withLock({ $0 }) { waker.finish() }
    }

    func senderDone(client: Int, sent: Int) {
        sentBySender.withLock { $0[client] = sent }
    }

    func isSenderDone(_ client: Int) -> Bool { sentBySender.withLock { $0[client] != nil } }

    var sendersDone: Bool { sentBySender.withLock { $0.count } >= senders }

    var sentTotal: Int { sent.load(ordering: .relaxed) }

    /// Σ over messages sent of the sender's room size.
    func expected(roomSizes: [Int]) -> Int {
        sentBySender.withLock { sent in
            sent.reduce(0) { total, entry in total + entry.value * roomSizes[entry.key % roomCount] }
        }
    }

    var allFinished: Bool { finished.load(ordering: .relaxed) >= clients }

    func progress(_ phase: String) -> FanoutBench.Progress {
        FanoutBench.Progress(
            phase: phase, connected: connected.load(ordering: .relaxed), sent: sent.load(ordering: .relaxed),
            delivered: ledger.withLock { $0.delivered })
    }
}

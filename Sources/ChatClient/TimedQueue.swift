/// Items received by a background pump, waited for with a deadline (an AsyncStream
/// iterator cannot be abandoned on timeout without ending the stream).
public actor TimedQueue<Element: Sendable> {
    public enum Outcome: Sendable {
        case item(Element)
        case closed
        case timedOut
    }

    private var items: [Element] = []
    private var finished = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Outcome, Never>)?
    private var nextWaiterID = 0

    public init() {}

    public func push(_ item: Element) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: .item(item))
        } else {
            items.append(item)
        }
    }

    public func finish() {
        finished = true
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: .closed)
        }
    }

    public func next(timeout: Duration) async -> Outcome {
        if !items.isEmpty { return .item(items.removeFirst()) }
        if finished { return .closed }
        nextWaiterID += 1
        let id = nextWaiterID
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        let outcome = await withCheckedContinuation { continuation in
            waiter = (id, continuation)
        }
        timer.cancel()
        return outcome
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: .timedOut)
    }
}
extension TimedQueue.Outcome: Equatable where Element: Equatable {}

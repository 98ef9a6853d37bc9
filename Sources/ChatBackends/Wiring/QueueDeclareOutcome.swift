import AMQPKit

/// Told how each declare of one of chatctl's queues went, on every (re)connect of the
/// publisher's client and of the consumer, so the caller can say which durability is in
/// use or why the broker refused. Called on the client's or the consumer's thread: keep
/// it short.
public typealias QueueDeclareObserver = @Sendable (_ queue: QueueDeclaration, _ outcome: QueueDeclareOutcome) -> Void

/// How one declare went.
public enum QueueDeclareOutcome: Sendable, Equatable {
    /// Declared; `durable` as the broker has the queue (nil when its answer did not say).
    case declared(durable: Bool?)
    /// The broker refused the declare (it closed the channel), in its words.
    case refused(String)
    /// Anything else (the connection dropped): the outage log's business, retried on
    /// the next connect.
    case failed(String)

    init(_ outcome: Result<AMQPQueueStatus, AMQPError>) {
        switch outcome {
        case .success(let status):
            self = .declared(durable: status.durable)
        case .failure(let error):
            if case .closedByBroker = error.kind {
                self = .refused(error.message)
            } else {
                self = .failed(error.message)
            }
        }
    }

    /// `observer` in AMQPKit's terms, for the client's and the consumer's `onDeclare`.
    static func amqpObserver(_ observer: @escaping QueueDeclareObserver) -> AMQPDeclareObserver {
        { queue, outcome in observer(QueueDeclaration(queue), QueueDeclareOutcome(outcome)) }
    }
}

import ChatBackends
import Logging
import Synchronization

/// Says once which durability the event queue is used with, and why.
///
/// Every (re)connect of the publisher's client and of the consumer declares the queue and
/// reports here (`QueueDeclareObserver`); a line is written only when the answer differs
/// from the last one written — the first declare, a queue declared anew with the other
/// durability (`chatctl queues migrate`), a declare the broker refuses (an error, once
/// per reason, until a declare succeeds). A dropped connection is the outage log's
/// business, not this one's, so it changes nothing here.
final class QueueDurabilityLog: Sendable {
    private let queueName: String
    private let durability: QueueDurability
    private let origin: String
    private let logger: Logger
    /// By queue name: what was said last.
    private let said = Mutex<[String: String]>([:])

    /// - Parameters:
    ///   - queueName: the event queue (other queues — the dead-letter queue — are logged
    ///     only when a declare of theirs is refused).
    ///   - origin: where `rabbitmq.queue_durable` came from.
    init(queueName: String, durability: QueueDurability, origin: String, logger: Logger) {
        self.queueName = queueName
        self.durability = durability
        self.origin = origin
        self.logger = logger
    }

    /// For `RabbitMQEventOptions.onDeclare` (the publisher's client and the consumer).
    var observer: QueueDeclareObserver { { [self] queue, outcome in declared(queue, outcome) } }

    func declared(_ queue: QueueDeclaration, _ outcome: QueueDeclareOutcome) {
        let answer: String
        switch outcome {
        case .declared(let durable):
            guard let durable else { return }
            answer = queue.name != queueName ? "declared" : (durable ? "durable" : "non-durable")
        case .refused(let message):
            answer = "refused: \(message)"
        case .failed:
            // A dropped connection: the outage log says it.
            return
        }
        let isNew = said.withLock { said -> Bool in
            guard said[queue.name] != answer else { return false }
            said[queue.name] = answer
            return true
        }
        guard isNew else { return }
        let setting = "\(SettingKey.rabbitMQQueueDurable.key)=\(durability) (from \(origin))"
        switch outcome {
        case .declared where queue.name != queueName:
            return  // the dead-letter queue declared as it should be: nothing to say
        case .declared(let durable) where durable == true:
            let why = durability == .auto ? "\(setting): a queue chatctl creates is durable, an existing one is taken as it is" : setting
            logger.info("RabbitMQ event queue is durable", metadata: [
                "queue": "\(queue.name)", "durable": "true",
                "why": "\(why); the Go services declare it non-durable and fail against a durable one",
            ])
        case .declared:
            let why = durability == .auto ? "it exists non-durable (as the Go services declare it) and \(setting) takes it as it is" : setting
            logger.notice("RabbitMQ event queue is non-durable: using it as it is", metadata: [
                "queue": "\(queue.name)", "durable": "false",
                "why": "\(why); its events are lost if the broker restarts; `chatctl queues migrate` makes it durable once the Go services are gone",
            ])
        case .refused(let message):
            let fix = queue.name == queueName
                ? "the queue exists with another durability than \(setting) requires: set it to auto to use the queue as it is, or make the queue durable with `chatctl queues migrate`"
                : "chatctl declares \(queue.name) durable, and it exists otherwise: delete it (`rabbitmqctl delete_queue \(queue.name)`) after moving what it holds"
            logger.error("RabbitMQ refused to declare a queue: nothing is published to or consumed from it until this is fixed", metadata: [
                "queue": "\(queue.name)", "error": "\(message)", "fix": "\(fix)",
            ])
        case .failed:
            return
        }
    }
}

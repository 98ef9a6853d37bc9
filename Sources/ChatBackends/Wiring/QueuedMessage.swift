import AMQPKit

/// A message as it sits in a queue, for `queues peek`.
public struct QueuedMessage: Sendable {
    public let messageID: String?
    /// Delivered before (and returned to the queue) at least once.
    public let redelivered: Bool
    /// String headers, e.g. `x-chatctl-reason` on a dead-lettered event.
    public let headers: [String: String]
    public let body: [UInt8]

    init(_ delivery: AMQPDelivery) {
        messageID = delivery.messageID
        redelivered = delivery.redelivered
        headers = delivery.headers
        body = delivery.body
    }
}

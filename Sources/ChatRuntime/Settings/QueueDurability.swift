import ChatBackends

/// `rabbitmq.queue_durable`: how chatctl declares the event queue.
///
/// A RabbitMQ queue's durability is fixed when it is created, and a declare that asks
/// for the other is refused (406). The Go services declare `send_notification`
/// non-durable and die when that declare fails, so `auto` lets chatctl share whatever
/// queue it finds, while `true` or `false` make a mismatch an error the operator sees.
public enum QueueDurability: Sendable, Equatable, CustomStringConvertible {
    /// `auto` (the default): a queue chatctl creates is durable; an existing one is used
    /// as it is (the Go services' is non-durable).
    case auto
    /// `true` or `false`: exactly this durability; a queue that exists with the other is
    /// an error (nothing is published or consumed until it is fixed).
    case required(durable: Bool)

    /// The values `rabbitmq.queue_durable` accepts.
    public static let choices = AutoSwitch.choices

    /// `auto`, `true` or `false` (any case, and the boolean spellings the setting took
    /// while it was a bool); nil for anything else.
    public init?(settingValue: String) {
        switch AutoSwitch(settingValue: settingValue) {
        case .auto: self = .auto
        case .fixed(let durable): self = .required(durable: durable)
        case nil: return nil
        }
    }

    /// The setting's value: `auto`, `true` or `false`.
    public var description: String {
        switch self {
        case .auto: "auto"
        case .required(let durable): "\(durable)"
        }
    }

    /// The durability declared first: the required one, or (auto) durable.
    public var preferred: Bool {
        switch self {
        case .auto: true
        case .required(let durable): durable
        }
    }

    /// What a queue must be, as `queues list --json` says it: durable, non-durable or either.
    public var wanted: String {
        switch self {
        case .auto: "either"
        case .required(let durable): durable ? "durable" : "non-durable"
        }
    }

    /// The queue as the services declare it.
    public func queue(named name: String) -> QueueDeclaration {
        QueueDeclaration(name: name, durable: preferred, acceptsOtherDurability: self == .auto)
    }

    /// What a queue found with `durable` means for this setting: nil when it will do,
    /// otherwise the problem, saying what to change (`origin`: where the setting came from).
    public func mismatch(queue name: String, durable: Bool, origin: String) -> String? {
        guard case .required(let wanted) = self, wanted != durable else { return nil }
        let fix = wanted
            ? "set it to auto to use the queue as it is, or make the queue durable with `chatctl queues migrate` once the Go services are stopped"
            : "set it to auto or true to use the queue as it is"
        return """
            queue \(name) is \(durable ? "durable" : "non-durable"), but \(SettingKey.rabbitMQQueueDurable.key)=\(wanted) (from \(origin)) \
            requires a \(wanted ? "durable" : "non-durable") queue: the services cannot declare it; \(fix)
            """
    }
}

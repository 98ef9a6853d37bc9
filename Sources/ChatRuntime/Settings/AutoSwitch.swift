/// A setting that is `auto` (chatctl decides from the deployment) or forced `true` or
/// `false`: `cache.verify_history`, `rabbitmq.queue_durable`.
public enum AutoSwitch: Sendable, Equatable {
    case auto
    case fixed(Bool)

    /// The values such a setting accepts (as `config show --explain` lists them).
    public static let choices = ["auto", "true", "false"]

    /// `auto`, `true` or `false` (any case); nil for anything else. The boolean spellings of
    /// environment variables and YAML (yes/no, on/off, y/n, 1/0) mean true and false too.
    public init?(settingValue: String) {
        switch settingValue.lowercased() {
        case "auto": self = .auto
        case "true", "yes", "y", "on", "1": self = .fixed(true)
        case "false", "no", "n", "off", "0": self = .fixed(false)
        default: return nil
        }
    }

    /// The forced value, or `auto` when the setting leaves it to chatctl.
    public func resolved(auto: Bool) -> Bool {
        switch self {
        case .auto: auto
        case .fixed(let value): value
        }
    }
}

/// A configuration problem, naming the key (and where its value came from).
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration \(key): \(message)" }
}

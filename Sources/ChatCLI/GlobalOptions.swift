import ArgumentParser
import ChatRuntime
import Configuration

/// Options every command that reads configuration accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (JSON or YAML).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Directory of the embedded SQLite store.", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp("Log line format on stderr: logfmt or json.", valueName: "format"))
    var logFormat: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "MongoDB URI; selects the MongoDB store (prefer MONGO_URI in the environment when it holds a password: argv is visible to other users).",
            valueName: "uri"))
    var mongoURI: String?

    @Option(
        name: .customLong("rabbitmq-url"),
        help: ArgumentHelp(
            "RabbitMQ amqp://user:pass@host:port/vhost for message events (prefer RABBITMQ_URL when it holds a password).",
            valueName: "url"))
    var rabbitMQURL: String?

    /// The flag layer's values, by setting key.
    var flagValues: [String: ConfigContent] {
        var values: [String: ConfigContent] = [:]
        if let dataDir { values[SettingKey.dataDir.key] = .string(dataDir) }
        if let logLevel { values[SettingKey.logLevel.key] = .string(logLevel) }
        if let logFormat { values[SettingKey.logFormat.key] = .string(logFormat) }
        if let mongoURI { values[SettingKey.mongoURI.key] = .string(mongoURI) }
        if let rabbitMQURL { values[SettingKey.rabbitMQURL.key] = .string(rabbitMQURL) }
        return values
    }

    /// The loader of these flags (and extra flag values layered on top), the config file
    /// they name and the environment as it is now; a serving process keeps it to read the
    /// same layers again on a reload.
    func settingsLoader(extraFlags: [String: ConfigContent] = [:]) -> SettingsLoader {
        SettingsLoader(flags: flagValues.merging(extraFlags) { _, new in new }, configFile: config)
    }

    /// Loads and validates settings with extra flag values layered on top.
    func loadSettings(extraFlags: [String: ConfigContent] = [:]) async throws -> Settings {
        let settings = try await settingsLoader(extraFlags: extraFlags).load()
        try settings.validate()
        return settings
    }
}

import ArgumentParser
import ChatRuntime

/// `chatctl config check [FILE]`: validate configuration; non-zero exit naming the bad key.
struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration (and a config file, if given); exit 1 naming the offending key."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Config file to check instead of --config.", valueName: "file"))
    var file: String?

    func run() async throws {
        var options = global
        if let file { options.config = file }
        let settings = try await options.loadSettings()
        if settings.secretKey?.isEmpty ?? true {
            throw SettingsError(key: SettingKey.secretKey.key, message: "not set: set SECRET_KEY or secret_key (serve refuses to start without it unless --dev)")
        }
        print("configuration OK\(settings.configFile.map { " (file: \($0))" } ?? "")")
    }
}

import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl config show [--explain] [--json]`.
struct ConfigShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every effective setting (secrets redacted).",
        discussion: "With --explain, also print which layer set each value: flag, environment (and the variable), file, or default."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Show where each value came from.")
    var explain = false

    @OptionGroup var format: JSONOption

    func run() async throws {
        let settings = try await SettingsLoader(flags: global.flagValues, configFile: global.config).load()
        let rows = SettingKey.all.compactMap { settings.resolved[$0.key] }
        if format.json {
            struct Row: Encodable {
                var key: String
                var value: String?
                var secret: Bool
                var source: String?
                var origin: String?
                var environment: [String]
            }
            let document = rows.map { row in
                Row(
                    key: row.setting.key, value: row.value == nil ? nil : row.displayValue, secret: row.setting.isSecret,
                    source: row.source?.rawValue, origin: row.origin,
                    environment: [row.setting.environmentName] + (row.setting.legacyEnvironment.map { [$0] } ?? []))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Document: Encodable {
                var configFile: String?
                var settings: [Row]
                enum CodingKeys: String, CodingKey { case configFile = "config_file", settings }
            }
            print(String(decoding: try encoder.encode(Document(configFile: settings.configFile, settings: document)), as: UTF8.self))
            return
        }
        let width = rows.map(\.setting.key.count).max() ?? 0
        for row in rows {
            let key = row.setting.key.padding(toLength: width, withPad: " ", startingAt: 0)
            var line = "\(key)  \(row.displayValue)"
            if explain {
                line += "    [\(row.source?.rawValue ?? "unset")\(row.origin.map { ": \($0)" } ?? "")]"
            }
            print(line)
        }
        if explain {
            print("")
            print("config file: \(settings.configFile ?? "(none)")")
        }
    }
}

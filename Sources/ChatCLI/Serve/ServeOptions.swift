import ArgumentParser
import ChatRuntime
import Configuration

/// Options of every `serve` subcommand.
struct ServeOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Address the chat service listens on (default 0.0.0.0).", valueName: "address"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("Port of the chat service (default 8000; 0 picks a free port).", valueName: "port"))
    var port: Int?

    @Flag(name: .long, help: "Development mode: with no secret configured, generate a random one and print it.")
    var dev = false

    var flagValues: [String: ConfigContent] {
        var values: [String: ConfigContent] = [:]
        if let host { values[SettingKey.chatHost.key] = .string(host) }
        if let port { values[SettingKey.chatPort.key] = .int(port) }
        return values
    }
}

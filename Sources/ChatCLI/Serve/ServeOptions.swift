import ArgumentParser
import ChatRuntime
import Configuration

/// Options of every `serve` subcommand.
struct ServeOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Address the service listens on (default \(SettingKey.chatHost.defaultText ?? ""); `serve all`: the chat service).", valueName: "address"))
    var host: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Port of the service (chat \(SettingKey.chatPort.defaultText ?? ""), notify \(SettingKey.notifyPort.defaultText ?? ""); `serve all`: the chat service; 0 picks a free port).", valueName: "port"))
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("Port of the notification service under `serve all` (default \(SettingKey.notifyPort.defaultText ?? ""); 0 picks a free port).", valueName: "port"))
    var notifyPort: Int?

    @Flag(name: .long, help: "Development mode: with no secret configured, generate a random one and print it.")
    var dev = false

    /// The flags as settings: `--host`/`--port` address the chat service, or the
    /// notification service when it runs alone; `--notify-port` the notification service.
    func flagValues(for roles: Set<ServiceRole>) -> [String: ConfigContent] {
        var values: [String: ConfigContent] = [:]
        if roles == [.scheduler] {
            if let host { values[SettingKey.schedulerHost.key] = .string(host) }
            if let port { values[SettingKey.schedulerPort.key] = .int(port) }
            return values
        }
        let notifyAlone = roles.contains(.notify) && !roles.contains(.chat)
        if let host {
            values[(notifyAlone ? SettingKey.notifyHost : SettingKey.chatHost).key] = .string(host)
            if roles.contains(.notify) && !notifyAlone { values[SettingKey.notifyHost.key] = .string(host) }
        }
        if let port { values[(notifyAlone ? SettingKey.notifyPort : SettingKey.chatPort).key] = .int(port) }
        if let notifyPort { values[SettingKey.notifyPort.key] = .int(notifyPort) }
        return values
    }
}

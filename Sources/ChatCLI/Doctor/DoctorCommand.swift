import ArgumentParser
import ChatClient
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl doctor [--e2e] [--json]`.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every configured backend with its round-trip time; with --e2e, probe a running deployment end to end.",
        discussion: """
            Reaches each backend (store, Redis, RabbitMQ) the way the services do, with the same \
            configuration. With --e2e it then walks a user's whole path through the running \
            services, timing each hop, and deletes what it created from the configured store \
            (run it with the deployment's configuration):

            \(EndToEndProbe.Hop.allCases.map { "  \($0.exitCode) \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

            Exit codes: 0 all well; 10 the store failed; 11 Redis failed; 12 RabbitMQ failed, or a queue \
            of chatctl's has a durability the services cannot declare (see rabbitmq.queue_durable); \
            20-27 the end-to-end hop above failed (the first failure in this order decides); \
            1 other errors; 64 usage.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Probe the running chat and notification services end to end.")
    var e2e = false

    @Option(name: .long, help: ArgumentHelp("The chat service for --e2e (default: chat.host and chat.port, 0.0.0.0 read as 127.0.0.1).", valueName: "url"))
    var chatURL: String?

    @Option(name: .long, help: ArgumentHelp("The notification service for --e2e (default: notify.host and notify.port).", valueName: "url"))
    var notifyURL: String?

    @Option(name: .long, help: ArgumentHelp("Seconds each --e2e hop may take.", valueName: "seconds"))
    var timeout: Double = 5

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    struct Output: Encodable {
        var checks: [Doctor.Check]
        var e2e: [EndToEndProbe.Result]?
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let checks = await Doctor.checkBackends(settings: settings, logger: OperatorLog.logger(settings))
        var hops: [EndToEndProbe.Result]?
        if e2e { hops = try await probe(settings) }
        if format.json {
            try OutputJSON.print(Output(checks: checks, e2e: hops))
        } else {
            TextTable.print(
                header: ["CHECK", "STATE", "TIME", "TARGET"],
                rows: checks.map { [$0.name, $0.ok ? "ok" : "FAILED", String(format: "%.1f ms", $0.milliseconds), $0.target] }
                    + (hops ?? []).map { ["e2e " + $0.hop.rawValue, $0.ok ? "ok" : "FAILED", String(format: "%.1f ms", $0.milliseconds), $0.hop.summary] })
            for check in checks where !check.ok { print("\(check.name): \(check.detail ?? "failed")") }
            for check in checks { for warning in check.warnings { print("warning: \(warning)") } }
            for hop in hops ?? [] where !hop.ok { print("e2e \(hop.hop.rawValue): \(hop.detail ?? "failed")") }
        }
        if let failed = checks.first(where: { !$0.ok }) { throw ExitCode(failed.exitCode) }
        if let failed = hops?.first(where: { !$0.ok }) { throw ExitCode(failed.exitCode) }
    }

    private func probe(_ settings: Settings) async throws -> [EndToEndProbe.Result] {
        let chat = try ChatHTTPClient(
            baseURL: chatURL ?? "http://\(Self.reachable(settings.chatHost)):\(settings.chatPort)", timeout: .milliseconds(Int(timeout * 1000)))
        let notify = try ChatHTTPClient(baseURL: notifyURL ?? "http://\(Self.reachable(settings.notifyHost)):\(settings.notifyPort)")
        let probe = EndToEndProbe(chat: chat, notifyBase: notify.webSocketBase, timeout: .milliseconds(Int(timeout * 1000)))
        return await probe.run { names, signedUp in
            try await OperatorSession.run(global) { session in
                let store = session.backends.store
                var found = 0
                for username in [names.sender, names.receiver] {
                    if try await store.user(named: username) != nil {
                        _ = try await UserAdministration(store: store, hasher: session.backends.hasher, logger: session.logger).delete(username: username)
                        found += 1
                    }
                }
                if let room = try await store.room(named: names.room) {
                    _ = try await RoomAdministration(store: store, cache: session.backends.cache, logger: session.logger).delete(room, archiveMessages: false)
                }
                if signedUp && found == 0 {
                    throw RuntimeError(
                        "the probe users are not in the configured store (\(store.displayName)); run doctor with the deployment's configuration and delete users \(names.sender), \(names.receiver) and room \(names.room) there")
                }
            }
        }
    }

    /// A listening address as a client reaches it (a wildcard means this host).
    static func reachable(_ host: String) -> String {
        ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
    }
}

import ChatCore
import ChatRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What every `serve` subcommand does: settings → backends → services → run until signalled.
enum ServeRunner {
    static func run(roles: Set<ServiceRole>, options: ServeOptions) async throws {
        // Log lines wait for stderr's writer thread: the last ones ("websockets drained",
        // "stopped") are out before the process exits, and before ArgumentParser prints
        // an error.
        do {
            try await serve(roles: roles, options: options)
        } catch {
            await LogSetup.flush()
            throw error
        }
        await LogSetup.flush()
    }

    private static func serve(roles: Set<ServiceRole>, options: ServeOptions) async throws {
        // Kept for reloads: the same flags and the environment as it is now.
        let loader = options.global.settingsLoader(extraFlags: options.flagValues(for: roles))
        var settings = try await loader.load()
        try settings.validate()
        let logger = LogSetup.logger(label: "chatctl", level: settings.logLevel, format: settings.logFormat)

        // Only the servers that sign or check tokens need the secret (not the scheduler).
        if settings.secretKey?.isEmpty ?? true, !roles.isDisjoint(with: [.chat, .notify]) {
            guard options.dev else {
                throw RuntimeError("""
                    no secret key configured: set SECRET_KEY (or CHATCTL_SECRET_KEY, or secret_key in the config file). \
                    For a throw-away development run, pass --dev to generate one.
                    """)
            }
            let secret = DevSecret.generate()
            settings.override(.secretKey, value: secret, source: .generated, origin: "--dev")
            FileHandle.standardError.write(Data("""
                chatctl: --dev: generated a random secret key for this run (tokens die with the process):
                SECRET_KEY=\(secret)

                """.utf8))
        }

        let runtime = try await ChatRuntime.connect(settings: settings, roles: roles, logger: logger)
        let notifier = SystemdNotifier()
        // READY=1 once every server of this process accepts connections.
        let listening = ListeningServers(expected: ChatRuntime.servers(for: roles))
        let reloader = runtime.configReloader(loader: loader)
        var services = await runtime.services(for: roles, version: ChatctlVersion.current, reloader: reloader) { role, port in
            // Called on a server's event loop: the send must not wait there.
            if let status = listening.started(role, port: port) {
                Task { await notifier.notify("READY=1\nSTATUS=\(status)", retryingFor: .seconds(10)) }
            }
        }
        // SIGHUP: the configuration read again, the live settings applied (ConfigReloader).
        let hangups = await ReloadOnHangup.trapping(reloader: reloader)
        services.append(hangups)
        if notifier.isEnabled { services.append(SystemdLifecycleService(notifier: notifier)) }
        // SIGTERM/SIGINT: graceful (sockets drained with 1001, in-flight writes finished),
        // bounded by shutdown.timeout_seconds plus a grace for the backends; a second
        // signal exits at once (SecondSignalExit).
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = settings.shutdownTimeout + .seconds(5)
        configuration.maximumCancellationDuration = .seconds(2)
        let group = ServiceGroup(configuration: configuration)
        logger.info("starting", metadata: ["services": "\(roles.map(\.rawValue).sorted().joined(separator: ","))", "version": "\(ChatctlVersion.current)"])
        do {
            try await SecondSignalExit.run(logger: logger) { try await group.run() }
        } catch {
            await runtime.close()
            throw error
        }
        await runtime.close()
        logger.info("stopped")
        // SIGHUP stays trapped to the end: a hang-up while stopping is not an exit.
        withExtendedLifetime(hangups) {}
    }
}

/// Random secrets for `--dev`.
enum DevSecret {
    /// 32 random bytes as 64 hex characters.
    static func generate() -> String { RandomHex.make(bytes: 32) }
}

/// Which servers of a process listen so far; says when the last one does.
final class ListeningServers: Sendable {
    private let state: Mutex<(expected: Set<ServiceRole>, ports: [ServiceRole: Int])>

    init(expected: Set<ServiceRole>) { state = Mutex((expected, [:])) }

    /// Records a listening server; returns the status line once all are listening.
    func started(_ role: ServiceRole, port: Int) -> String? {
        state.withLock { state in
            state.ports[role] = port
            guard Set(state.ports.keys) == state.expected else { return nil }
            return state.ports.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) service listening on port \($0.value)" }
                .joined(separator: ", ")
        }
    }
}

import ArgumentParser
import ChatRuntime
import Foundation

/// `chatctl doctor [--json]`.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every configured backend (store, Redis, RabbitMQ) with its round-trip time.",
        discussion: """
            Reaches each backend the way the services do, with the same configuration. Exit codes: 0 all \
            reachable; 10 the store failed; 11 Redis failed; 12 RabbitMQ failed (the first failing backend \
            in that order decides); 1 other errors; 64 usage.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    func run() async throws {
        let settings = try await global.loadSettings()
        let checks = await Doctor.checkBackends(settings: settings, logger: OperatorLog.logger(settings))
        if json {
            try OutputJSON.print(["checks": checks])
        } else {
            TextTable.print(
                header: ["BACKEND", "STATE", "TIME", "TARGET"],
                rows: checks.map { [$0.name, $0.ok ? "ok" : "FAILED", String(format: "%.1f ms", $0.milliseconds), $0.target] })
            for check in checks where !check.ok { print("\(check.name): \(check.detail ?? "failed")") }
        }
        if let failed = checks.first(where: { !$0.ok }) { throw ExitCode(failed.exitCode) }
    }
}

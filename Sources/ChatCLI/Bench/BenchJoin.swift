import ArgumentParser
import ChatClient
import ChatRuntime
import Foundation

/// `chatctl bench join`.
struct BenchJoin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join latency of a room with recent messages: connection start to the recent-messages frame.",
        discussion: "Posts --history messages to a provisioned room first (through the service), then joins it --joins times, one after another.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BenchTarget

    @Option(name: .long, help: "Joins to time.") var joins = 200
    @Option(name: .long, help: "Messages posted to the room before the joins.") var history = 50

    func validate() throws {
        guard joins > 0, history >= 0 else { throw ValidationError("--joins must be positive and --history at least 0") }
        if target.noAuth { throw ValidationError("bench join needs a token (it provisions a user); --no-auth is not supported") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let base = try ChatHTTPClient(baseURL: target.baseURL(settings)).webSocketBase
        let line = ProgressLine(enabled: !target.format.json && isatty(STDERR_FILENO) == 1)
        let report = try await OperatorSession.run(global) { session in
            let provisioning = BenchProvisioning(session: session)
            let fixture = try await provisioning.make(users: 1, rooms: 1)
            do {
                let report = try await timeJoins(base: base, room: fixture.rooms[0].name, token: fixture.tokens[0], line: line)
                if !target.keep { try await provisioning.remove(fixture) }
                return report
            } catch {
                if !target.keep { try? await provisioning.remove(fixture) }
                throw error
            }
        }
        line.finish()
        if target.format.json {
            try OutputJSON.print(report)
        } else {
            let latency = report.latencyMs
            print("joins \(report.joins), failures \(report.failures), recent messages per join \(report.historySize)")
            print("join latency ms: p50 \(latency.p50)  p90 \(latency.p90)  p99 \(latency.p99)  max \(latency.max)  mean \(latency.mean)")
            if let error = report.firstError { print("first error: \(error)") }
        }
        if report.failures > 0 { throw ExitCode(1) }
    }

    private func timeJoins(base: String, room: String, token: String, line: ProgressLine) async throws -> JoinBench.Report {
        let poster = ChatSocket(url: "\(base)/ws/join/?name=\(room)&token=\(token)")
        _ = try await poster.next(within: .seconds(10), what: "the recent-messages frame")
        for index in 0..<history {
            poster.send(#"{"type":"message","content":"history \#(index)"}"#)
            _ = try await poster.next(within: .seconds(10), what: "the echo of message \(index)")
        }
        await poster.close()
        return await JoinBench(webSocketBase: base, room: room, token: token, joins: joins).run { done in
            line.show("joins \(done)/\(joins)")
        }
    }
}

import ArgumentParser
import ChatClient
import ChatRuntime
import Foundation

/// `chatctl bench idle`.
struct BenchIdle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "Server memory per idle WebSocket, from the server's RSS before and after N sockets joined.",
        discussion: """
            Needs --server-pid (the server must run on this machine). The figure is the marginal \
            cost: RSS growth while the second half of the sockets joins, per socket; the overall \
            figure includes one-time warm-up (allocator arenas, pools).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BenchTarget

    @Option(name: .long, help: "Idle sockets to open.") var clients = 1000
    @Option(name: .long, help: "Rooms they are spread over.") var rooms = 1

    func validate() throws {
        guard clients > 0, (1...clients).contains(rooms) else { throw ValidationError("--clients must be positive and --rooms 1…--clients") }
        guard target.serverPID != nil else { throw ValidationError("--server-pid is required: the figure is the server's RSS") }
        if target.noAuth { throw ValidationError("bench idle provisions users; --no-auth is not supported") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let base = try ChatHTTPClient(baseURL: target.baseURL(settings)).webSocketBase
        let line = ProgressLine(enabled: !target.format.json && isatty(STDERR_FILENO) == 1)
        let report = try await OperatorSession.run(global) { session in
            let provisioning = BenchProvisioning(session: session)
            let fixture = try await provisioning.make(users: clients, rooms: rooms)
            let bench = IdleBench(webSocketBase: base, rooms: fixture.rooms.map(\.name), tokens: fixture.tokens, serverPID: target.serverPID!)
            let report = try await bench.run { connected in line.show("connected \(connected)/\(clients)") }
            if !target.keep { try await provisioning.remove(fixture) }
            return report
        }
        line.finish()
        if target.format.json {
            try OutputJSON.print(report)
        } else {
            print("idle sockets \(report.connected)/\(report.clients); server RSS \(ByteCount.describe(report.serverRSSBeforeBytes)) → \(ByteCount.describe(report.serverRSSAfterBytes))")
            print("\(report.bytesPerConnection) bytes (\(ByteCount.describe(report.bytesPerConnection))) of server RSS per idle connection (second half; \(report.bytesPerConnectionOverall) bytes over all, warm-up included)")
            if let error = report.firstError { print("first error: \(error)") }
        }
        if report.connected < report.clients { throw ExitCode(1) }
    }
}

import ArgumentParser
import ChatClient
import ChatRuntime
import Foundation

/// `chatctl bench fanout`.
struct BenchFanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "N sockets over K rooms, S senders at a rate or a window; deliveries, losses and end-to-end latency.",
        discussion: """
            Client i joins room i mod K; clients 0…S-1 also send. Every message carries a unique \
            marker and its send time, and every receiver (sender included) accounts for it, so \
            the report counts deliveries expected (Σ room size at start), delivered, lost and \
            duplicated, with latency percentiles. With --server-pid it reads the server's CPU \
            time for the measured window (deliveries per server CPU-second is the fair figure \
            when the bench shares the machine) and its RSS before connecting, once connected \
            and at the end. Exit 1 when anything was lost or a socket failed to connect or was \
            dropped. With many clients raise the open-files limit (ulimit -n) of both the \
            server and the bench; scripts/load-10k.sh holds 10,000 sockets for a minute.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: BenchTarget

    @Option(name: .long, help: "Sockets in all.") var clients = 100
    @Option(name: .long, help: "Rooms the sockets are spread over.") var rooms = 1
    @Option(name: .long, help: "How many of the sockets send.") var senders = 1
    @Option(name: .long, help: "Messages per second per sender; 0 = as fast as --window allows.") var rate: Double = 10
    @Option(name: .long, help: "Un-echoed messages a sender may have in flight with --rate 0.") var window = 100
    @Option(name: .long, help: "Seconds of sending.") var duration: Double = 10
    @Option(name: .long, help: "Bytes of content per message.") var payload = 64

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
        guard (1...clients).contains(rooms) else { throw ValidationError("--rooms must be 1…--clients") }
        guard (0...clients).contains(senders) else { throw ValidationError("--senders must be 0…--clients") }
        guard rate >= 0, window > 0, duration > 0, payload >= 0 else { throw ValidationError("--rate, --window, --duration and --payload must be positive") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let base = try ChatHTTPClient(baseURL: target.baseURL(settings)).webSocketBase
        let line = ProgressLine(enabled: !target.format.json && isatty(STDERR_FILENO) == 1)
        let report: FanoutBench.Report
        if target.noAuth {
            let names = rooms == 1 ? [target.room] : (0..<rooms).map { "\(target.room)-\($0)" }
            report = try await bench(base: base, rooms: names, tokens: Array(repeating: nil, count: clients), line: line)
        } else {
            report = try await OperatorSession.run(global) { session in
                let provisioning = BenchProvisioning(session: session)
                let fixture = try await provisioning.make(users: clients, rooms: rooms)
                do {
                    let report = try await bench(base: base, rooms: fixture.rooms.map(\.name), tokens: fixture.tokens, line: line)
                    if !target.keep { try await provisioning.remove(fixture) }
                    return report
                } catch {
                    if !target.keep { try? await provisioning.remove(fixture) }
                    throw error
                }
            }
        }
        line.finish()
        if target.format.json { try OutputJSON.print(report) } else { Self.describe(report) }
        if report.lost > 0 || report.connectErrors > 0 || report.disconnects > 0 { throw ExitCode(1) }
    }

    private func bench(base: String, rooms: [String], tokens: [String?], line: ProgressLine) async throws -> FanoutBench.Report {
        var options = FanoutBench.Options(
            webSocketBase: base, rooms: rooms, tokens: tokens, senders: senders, rate: rate, window: window,
            duration: .milliseconds(Int(duration * 1000)), payload: payload, serverPID: target.serverPID)
        options.connectTimeout = .seconds(max(30, clients / 50))
        return try await FanoutBench(options: options).run { progress in
            line.show("\(progress.phase): connected \(progress.connected)/\(clients), sent \(progress.sent), delivered \(progress.delivered)")
        }
    }

    static func describe(_ report: FanoutBench.Report) {
        let latency = report.latencyMs
        print("clients \(report.clients) in \(report.rooms) room(s), \(report.senders) sender(s): connected \(report.connected), connect errors \(report.connectErrors), disconnects \(report.disconnects)")
        if let error = report.firstConnectError { print("first connect error: \(error)") }
        print("sent \(report.sent) (\(report.sentPerSecond)/s); deliveries expected \(report.expectedDeliveries), delivered \(report.delivered), lost \(report.lost), duplicates or reordered \(report.duplicatesOrReordered)")
        print("deliveries/s \(report.deliveriesPerSecond)")
        print("latency ms: p50 \(latency.p50)  p90 \(latency.p90)  p99 \(latency.p99)  p99.9 \(latency.p999)  max \(latency.max)  mean \(latency.mean)")
        var cpu = "client CPU \(report.clientCPUSeconds) s"
        if let server = report.serverCPUSeconds { cpu += "; server CPU \(server) s" }
        if let perCPU = report.deliveriesPerServerCPUSecond { cpu += "; \(Int(perCPU)) deliveries per server CPU-second" }
        print(cpu)
        if let memory = report.serverRSSBytes {
            let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
            print("server RSS: before \(mib(memory.before)), connected \(mib(memory.connected)), end \(mib(memory.end)); \(memory.perConnection / 1024) KiB per connection")
        }
    }
}

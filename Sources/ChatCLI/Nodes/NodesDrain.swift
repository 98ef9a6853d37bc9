import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl nodes drain NODE [--batch N] [--every DURATION] [--deadline DURATION] [--json]`
/// and `chatctl nodes drain --status [NODE] [--json]`.
struct NodesDrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Empty a node gently before a restart: its sockets reconnect elsewhere and resume where they were.",
        discussion: """
            The gentle path of a rolling restart. The node (an id from chatctl nodes list) is asked \
            through its operator API (POST /admin/drain, an operator token signed with SECRET_KEY) to \
            stop taking sockets — its /readyz answers 503 {"status":"draining"} at once, so load \
            balancers move away, and new WebSocket upgrades get 503 — then to close its sockets in \
            batches: --batch sockets every --every. Each room socket gets a last frame \
            {"type":"reconnect","since":"<id of the last message it was sent>","reason":"node draining"} \
            and closes with 1012 (service restart); a client that reconnects with \
            /ws/join/?name=ROOM&since=<that id> reaches another node and gets exactly the messages \
            after it, nothing lost or doubled. Notification sockets get the frame without since. \
            When --deadline has passed, the sockets left are asked at once, with the same frame.

            The node does not exit: it stays up and unready until the operator or systemd restarts it \
            (systemctl restart chatctl-chat). SIGTERM keeps its meaning — every socket closes at once \
            with 1001 — and cancels a drain that is running. A node drains once per start: asking \
            again is refused (409).

            Follows the drain until it is over, with a progress line on a terminal; prints a summary \
            (--json: the node's final status). Exit 0 when every socket closed before the deadline, \
            1 when the deadline forced the rest (or the node stopped answering). Ctrl-C stops \
            following, not the drain. Audited.

            --status prints the drain state of every running chat and notify node (or of NODE): \
            idle, draining, drained or cancelled, with its open sockets and how many were asked.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The node (an id from chatctl nodes list); with --status, only this one.", valueName: "node"))
    var node: String?

    @Option(name: .long, help: ArgumentHelp("Sockets asked to reconnect per batch (default \(DrainPlan.defaultBatch)).", valueName: "n"))
    var batch: Int?

    @Option(name: .long, help: ArgumentHelp("Time between batches, like 200ms or 1s (default 1s).", valueName: "duration"))
    var every: String?

    @Option(name: .long, help: ArgumentHelp("When the sockets left are asked at once, like 90s or 2m (default 2m).", valueName: "duration"))
    var deadline: String?

    @Flag(name: .long, help: "Print the drain state of every node (or of NODE) instead of starting a drain.")
    var status = false

    @OptionGroup var format: JSONOption

    /// The body of `POST /admin/drain`.
    struct StartRequest: Encodable, Sendable {
        var batch: Int
        var everyMilliseconds: Int
        var deadlineMilliseconds: Int

        init(_ plan: DrainPlan) {
            batch = plan.batch
            everyMilliseconds = plan.everyMilliseconds
            deadlineMilliseconds = plan.deadlineMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case batch
            case everyMilliseconds = "every_ms"
            case deadlineMilliseconds = "deadline_ms"
        }
    }

    func validate() throws {
        if status {
            guard batch == nil, every == nil, deadline == nil else { throw ValidationError("--status takes no --batch, --every or --deadline") }
            return
        }
        guard node != nil else { throw ValidationError("give the node to drain (an id from chatctl nodes list), or --status") }
        _ = try plan()
    }

    /// The plan the options give, `DrainPlan`'s defaults for those not given.
    /// - Throws: `ValidationError` naming the option out of range.
    func plan() throws -> DrainPlan {
        if let batch, !DrainPlan.batchRange.contains(batch) {
            throw ValidationError("--batch must be \(DrainPlan.batchRange.lowerBound) to \(DrainPlan.batchRange.upperBound) sockets (\(batch) given)")
        }
        let everyMilliseconds = try every.map { try DurationArgument.milliseconds($0, option: "every") }
        if let everyMilliseconds, !DrainPlan.everyRange.contains(everyMilliseconds) {
            throw ValidationError("--every must be 10ms to 1m (\(everyMilliseconds)ms given)")
        }
        let deadlineMilliseconds = try deadline.map { try DurationArgument.milliseconds($0, option: "deadline") }
        if let deadlineMilliseconds, !DrainPlan.deadlineRange.contains(deadlineMilliseconds) {
            throw ValidationError("--deadline must be 1s to 1h (\(deadlineMilliseconds)ms given)")
        }
        do throws(ChatError) {
            return try DrainPlan(batch: batch, everyMilliseconds: everyMilliseconds, deadlineMilliseconds: deadlineMilliseconds)
        } catch {
            throw ValidationError("--\(error.field ?? "batch"): \(error.message)")
        }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        if status { return try await showStatus(settings: settings) }
        let plan = try plan()
        let nodeID = node ?? ""
        let api = try await OperatorAPIClient.make(settings)
        let arguments = ["batch": "\(plan.batch)", "every_ms": "\(plan.everyMilliseconds)", "deadline_ms": "\(plan.deadlineMilliseconds)"]
        try await OperatorSession.runAudited(settings: settings, "nodes drain", target: nodeID, arguments: arguments) { session in
            let record = try await Self.liveNode(nodeID, in: session)
            guard !Set(record.roles).isDisjoint(with: [ServiceRole.chat.rawValue, ServiceRole.notify.rawValue]) else {
                throw RuntimeError("node \(nodeID) holds no sockets (roles: \(record.roles.joined(separator: ","))): nothing to drain")
            }
            let started: DrainStatus
            do throws(OperatorAPIClient.Failure) {
                started = try await api.post("/admin/drain", StartRequest(plan), to: record, as: DrainStatus.self)
            } catch {
                throw RuntimeError("node \(nodeID) did not start draining: \(error)")
            }
            let progress = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let outcome = try await DrainFollower(api: api, node: record, progress: progress).follow(from: started)
            if format.json {
                try OutputJSON.print(outcome)
            } else {
                print(Self.summary(outcome))
            }
            if outcome.state == GentleDrain.Phase.cancelled.rawValue {
                throw RuntimeError("node \(nodeID) began shutting down during the drain: the sockets left were closed with 1001")
            }
            if outcome.deadlineReached {
                throw RuntimeError(
                    "the deadline passed: \(Self.sockets(outcome.forced)) asked to reconnect at once, \(outcome.open) still closing on node \(nodeID)")
            }
        }
    }

    /// The running node with id `nodeID`.
    static func liveNode(_ nodeID: String, in session: OperatorSession) async throws -> NodeRecord {
        guard let record = try await session.backends.nodes.liveNodes(at: Date()).first(where: { $0.id == nodeID }) else {
            throw RuntimeError("no running node has the id '\(nodeID)' (chatctl nodes list shows them)")
        }
        return record
    }

    /// `--status`: every chat and notify node's drain (or NODE's), asked at once.
    private func showStatus(settings: Settings) async throws {
        try await OperatorSession.run(settings: settings) { session in
            let fanout = try await NodeFanout.make(session: session, roles: [.chat, .notify], only: node)
            let answers = await fanout.get("/admin/drain", as: DrainStatus.self)
            let statuses = answers.compactMap { answer -> DrainStatus? in
                guard case .success(let status) = answer.result else { return nil }
                return status
            }
            let unanswered = NodeFanout.unanswered(answers)
            if format.json {
                try OutputJSON.print(StatusOutput(nodes: statuses, unanswered: unanswered))
            } else {
                TextTable.print(
                    header: ["NODE", "STATE", "OPEN", "ASKED", "AT DEADLINE", "STARTED", "DEADLINE", "FINISHED"],
                    rows: statuses.map { status in
                        [
                            status.node, status.state, "\(status.open)", "\(status.closed)", "\(status.forced)", status.startedAt ?? "-",
                            status.deadline ?? "-", status.finishedAt ?? "-",
                        ]
                    })
            }
            if !unanswered.isEmpty {
                throw RuntimeError("\(unanswered.count) of \(answers.count) nodes did not answer")
            }
        }
    }

    /// What `--status --json` prints.
    struct StatusOutput: Encodable {
        var nodes: [DrainStatus]
        var unanswered: [NodeFanout.Unanswered]
    }

    /// The last line of a drain.
    static func summary(_ status: DrainStatus) -> String {
        let took: String
        if let started = status.startedAt.flatMap(RFC3339.date(from:)), let finished = status.finishedAt.flatMap(RFC3339.date(from:)) {
            took = " in \(NodesList.uptime(finished.timeIntervalSince(started)))"
        } else {
            took = ""
        }
        var line = "node \(status.node) \(status.state)\(took): \(sockets(status.closed)) asked to reconnect elsewhere"
        if status.forced > 0 { line += ", \(status.forced) of them at once at the deadline" }
        if status.open > 0 { line += "; \(sockets(status.open)) still closing" }
        if status.state == GentleDrain.Phase.drained.rawValue { line += ". It stays up, unready, until it is restarted" }
        return line
    }

    /// `1 socket`, `3 sockets`.
    static func sockets(_ count: Int) -> String { count == 1 ? "1 socket" : "\(count) sockets" }
}

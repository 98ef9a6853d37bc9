import ChatTestSupport
import Foundation
import Testing

@Suite("chatctl serve scheduler")
struct SchedulerTests {
    /// `(task, slot)` of every "task ran" line in a process's log.
    static func runs(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains(#"msg="task ran""#) }.compactMap { line in
            let fields = Dictionary(line.split(separator: " ").compactMap { part -> (String, String)? in
                let pair = part.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
            guard let task = fields["task"], let slot = fields["slot"] else { return nil }
            return "\(task)@\(slot)"
        }
    }

    @Test("two schedulers on one store: each task runs once per interval; /metrics counts the runs")
    func onceAcrossSchedulers() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-sched-\(UUID().uuidString)").path
        let environment = ["CHATCTL_SCHEDULER_ARCHIVE_EVERY": "1s", "CHATCTL_SCHEDULER_REPORT_EVERY": "1s", "CHATCTL_LOG_LEVEL": "info"]
        let arguments = ["serve", "scheduler", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]
        let first = try ChatctlProcess(arguments, environment: environment)
        defer { first.stop() }
        let second = try ChatctlProcess(arguments, environment: environment)
        defer { second.stop() }
        let port = try await first.waitForLog(#"msg="scheduler status listening".* port=(\d+)"#)
        _ = try await second.waitForLog(#"msg="scheduler status listening".* port=(\d+)"#)
        // Until both tasks have run at least twice between the two (1 s slots), however
        // slowly the schedulers get going on a loaded machine; bounded.
        let ranTwice = try await waitUntil(every: .milliseconds(100)) {
            let all = Self.runs(first.stderr) + Self.runs(second.stderr)
            return ["archive", "report"].allSatisfy { task in all.filter { $0.hasPrefix(task + "@") }.count >= 2 }
        }
        #expect(ranTwice, "first:\n\(first.stderr.suffix(1500))\nsecond:\n\(second.stderr.suffix(1500))")

        let metrics = try PrometheusText(parsing: try await TestHTTP.get("http://127.0.0.1:\(port)/metrics").text)
        first.stop()
        second.stop()
        #expect(try await first.waitForExit() == 0)
        #expect(try await second.waitForExit() == 0)

        let all = Self.runs(first.stderr) + Self.runs(second.stderr)
        #expect(all.count == Set(all).count, "a slot ran twice: \(all.sorted())")
        for task in ["archive", "report"] {
            let slots = all.filter { $0.hasPrefix(task + "@") }
            #expect(slots.count >= 2, "\(task) ran \(slots.count) times")
        }
        let firstRuns = Double(Self.runs(first.stderr).filter { $0.hasPrefix("archive@") }.count)
        #expect(metrics.value("chatctl_scheduler_runs_total", [#"task="archive""#, #"outcome="ok""#]) ?? 0 <= firstRuns)
        #expect(metrics.types["chatctl_scheduler_runs_total"] == "counter")
    }

    @Test("a bad interval is refused naming the setting")
    func badInterval() async throws {
        let result = try await ChatctlProcess.run(["config", "check"], environment: ["CHATCTL_SCHEDULER_ARCHIVE_EVERY": "soon"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("scheduler.archive_every"))
    }
}

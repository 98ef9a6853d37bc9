import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chatctl top [--interval 2s] [--json] [--once | --samples N]`: every running node's
/// figures, sampled again and again.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of every running node: sockets, rooms, message and delivery rates, p99 latencies, event queue, errors.",
        discussion: """
            Every running node (chatctl nodes list) is asked for its own metrics through its operator \
            API (GET /admin/metrics, all nodes at once, with a short-lived operator token signed with the \
            configured SECRET_KEY) every --interval, and shown one row each: its id, its roles ("all" \
            for serve all), its open WebSockets (CONN), rooms with a socket on it, messages posted per \
            second (MSG/S), message frames queued to sockets per second (DELIV/S), the 99th percentile \
            of the fan-out latency (from the store accepting a message posted on the node to its frames \
            being queued) and of the store's batched message writes, the message events waiting to be \
            published (EVENTQ), and errors per second (failed posts, failed or dropped event publishes, \
            dead-lettered events, HTTP answers 5xx, failed scheduler runs).

            Rates are the difference of the node's counters between two samples divided by the time \
            between them (a counter that went down was reset: it counts from zero again, never a \
            negative rate); percentiles come from the histogram buckets observed in between, \
            interpolated within a bucket as Prometheus does. The first sample of a node covers its whole \
            life. A figure the node does not expose, or a percentile with nothing observed, shows as "-" \
            (and is left out of --json). A node that does not answer keeps its row, with why.

            On a terminal the view is redrawn in place (the node id is cut in the middle on a narrow \
            one); q or Ctrl-C quits, and the terminal's mode is restored on every way out. With --json, \
            or when stdout is not a terminal, each sample is one JSON line: {"at", "nodes": [{"node", \
            "roles", "windowSeconds", "sinceStart", "connections", "rooms", "messagesPerSecond", \
            "deliveriesPerSecond", "fanoutP99Seconds", "storeP99Seconds", "eventQueueDepth", \
            "errorsPerSecond", "messages", "error"}]}. --once prints one sample and exits; --samples N \
            stops after N. Either exits 1 when a node did not answer in the last sample or the \
            registry could not be read. Changes nothing.
            """)

    /// `--interval` when it is not given.
    static let defaultInterval = "2s"
    /// The longest `--interval`, in seconds.
    static let longestInterval: TimeInterval = 3600

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Time between two samples, like 1s, 10s, 1m (at most 1h; default \(TopCommand.defaultInterval)).", valueName: "duration"))
    var interval: String = TopCommand.defaultInterval

    @Option(name: .long, help: ArgumentHelp("Stop after N samples (default: until q or Ctrl-C).", valueName: "n"))
    var samples: Int?

    @Flag(name: .long, help: "Print one sample and exit (the node's figures since it started).")
    var once = false

    @Flag(name: .long, help: "Print one JSON object per sample and line (also whenever stdout is not a terminal).")
    var json = false

    func validate() throws {
        _ = try intervalSeconds()
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
        if once, samples != nil { throw ValidationError("--once and --samples cannot be combined") }
    }

    /// `--interval` in seconds, or a usage error naming it.
    func intervalSeconds() throws -> TimeInterval {
        let seconds = try RestrictionText.seconds(interval, option: "interval")
        guard seconds <= Self.longestInterval else { throw ValidationError("--interval must be at most 1h") }
        return seconds
    }

    /// How a run ended.
    enum End: Sendable {
        /// The samples asked for were shown; `complete`: the last one had every node's figures.
        case sampled(complete: Bool)
        /// Quit with q, or by a signal.
        case stopped
    }

    func run() async throws {
        let interval = Duration.seconds(try intervalSeconds())
        let limit = once ? 1 : samples
        let onTerminal = !json && isatty(STDOUT_FILENO) == 1
        let every = "every \(self.interval)"
        // Trapped before anything connects or touches the terminal: a signal at any point
        // ends the run through the task group below, which restores the terminal.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        let end: End
        do {
            end = try await OperatorSession.run(global) { session in
                let sampler = TopSampler(api: try await OperatorAPIClient.make(session.settings), registry: session.backends.nodes)
                return try await withThrowingTaskGroup(of: End.self) { group in
                    group.addTask {
                        let display: any TopDisplay
                        if !onTerminal {
                            display = TopJSONLines()
                        } else if limit == 1 {
                            display = TopPrinted(every: every)
                        } else {
                            display = TopScreen(every: every)
                        }
                        defer { display.close() }
                        return try await Self.loop(sampler, display: display, interval: interval, limit: limit)
                    }
                    group.addTask {
                        for await _ in signals { return .stopped }
                        return .stopped
                    }
                    // Whichever ends first (the samples, q, a signal) ends the other.
                    let first = try await group.next() ?? .stopped
                    group.cancelAll()
                    return first
                }
            }
        } catch is TopDisplayClosed {
            // The reader went away (`chatctl top --json | head -1`): nothing more to show.
            return
        }
        if case .sampled(complete: false) = end { throw ExitCode.failure }
    }

    /// Samples, shows, waits, until `limit` samples were shown or the person quits.
    static func loop(_ sampler: TopSampler, display: any TopDisplay, interval: Duration, limit: Int?) async throws -> End {
        var readings: TopSampler.Readings = [:]
        var shown = 0
        while true {
            let sample = await sampler.sample(after: readings)
            readings = sample.readings
            try display.show(sample.frame)
            shown += 1
            if let limit, shown >= limit { return .sampled(complete: sample.frame.isComplete) }
            if try await display.wait(interval) { return .stopped }
        }
    }
}

import Foundation

/// `chatctl bench join`: joins of one room, one after another, timed from the start of
/// the connection to the recent-messages frame.
public struct JoinBench: Sendable {
    public struct Report: Sendable, Encodable {
        public var joins: Int
        public var failures: Int
        /// Messages in the recent-messages frame of the last join.
        public var historySize: Int
        public var latencyMs: FanoutBench.Latency
        public var firstError: String?
    }

    let webSocketBase: String
    let room: String
    let token: String
    let joins: Int
    let timeout: Duration

    public init(webSocketBase: String, room: String, token: String, joins: Int, timeout: Duration = .seconds(5)) {
        self.webSocketBase = webSocketBase
        self.room = room
        self.token = token
        self.joins = joins
        self.timeout = timeout
    }

    public func run(progress: @Sendable (Int) -> Void = { _ in }) async -> Report {
        var histogram = LatencyHistogram()
        var failures = 0
        var historySize = 0
        var firstError: String?
        for index in 0..<joins {
            let start = ProcessStats.monotonicNanos()
            let socket = ChatSocket(url: "\(webSocketBase)/ws/join/?name=\(room)&token=\(token)")
            do {
                let frame = try await socket.next(within: timeout, what: "the recent-messages frame")
                histogram.record(ProcessStats.monotonicNanos() - start)
                historySize = ((try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [Any])?.count ?? 0
            } catch {
                failures += 1
                if firstError == nil { firstError = "\(error)" }
            }
            await socket.close()
            progress(index + 1)
        }
        return Report(joins: joins, failures: failures, historySize: historySize, latencyMs: .init(histogram), firstError: firstError)
    }
}

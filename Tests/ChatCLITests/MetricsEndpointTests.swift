import ChatTestSupport
import Foundation
import Testing

/// The Prometheus text format, strictly enough to catch a malformed exposition.
struct PrometheusText {
    /// Samples by `name{labels}` exactly as exposed.
    var samples: [String: Double] = [:]
    var types: [String: String] = [:]
    /// `# HELP` texts by metric name.
    var helps: [String: String] = [:]

    init(parsing text: String) throws {
        let sample = try NSRegularExpression(pattern: #"^([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})?) (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$"#)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw CLIError("bad TYPE line: \(line)")
                }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("# HELP ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count == 4, !parts[3].isEmpty else { throw CLIError("bad HELP line: \(line)") }
                helps[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            let range = NSRange(line.startIndex..., in: line)
            guard let match = sample.firstMatch(in: line, range: range), match.range == range else { throw CLIError("not a sample line: \(line)") }
            let key = String(line[Range(match.range(at: 1), in: line)!])
            let value = String(line[Range(match.range(at: 5), in: line)!])
            samples[key] = value == "+Inf" ? .infinity : Double(value)
        }
    }

    /// The value of the first sample whose key starts with `name` and contains every label.
    func value(_ name: String, _ labels: [String] = []) -> Double? {
        samples.first { key, _ in
            (key == name || key.hasPrefix(name + "{")) && labels.allSatisfy { key.contains($0) }
        }?.value
    }

    /// `base`/metrics of a running `chatctl`, parsed.
    static func fetch(_ base: String) async throws -> PrometheusText {
        return try PrometheusText(parsing: try await TestHTTP.get("\(base)/metrics").text)
    }

    /// Waits (bounded) until `base`/metrics counts exactly `count` open WebSockets
    /// (`chatctl_connections_open`: room and notification sockets of the process); returns
    /// whether it did. A socket is counted once the server has registered it, which a
    /// client cannot see otherwise (a notification socket gets no frame on joining), and
    /// uncounted once the server has let go of it, which can be after the client's close.
    static func waitForOpenConnections(_ count: Int, at base: String) async throws -> Bool {
        try await waitUntil(every: .milliseconds(100)) {
            try await Self.fetch(base).value("chatctl_connections_open") == Double(count)
        }
    }
}

@Suite("GET /metrics")
struct MetricsEndpointTests {
    static func metrics(_ base: String) async throws -> (String, PrometheusText) {
        let response = try await TestHTTP.get("\(base)/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        return (text, try PrometheusText(parsing: text))
    }

    @Test("parses as Prometheus text; request, post, delivery and connection figures move with traffic")
    func countersMove() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-metrics-\(UUID().uuidString)").path
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir],
            environment: ["SECRET_KEY": "metrics-test-secret-0123456789abcdef"])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForListeningPort())"

        let (_, before) = try await Self.metrics(base)
        #expect(before.value("chatctl_messages_posted_total") == 0)
        #expect(before.value("chatctl_connections_open") == 0)

        _ = try await TestHTTP.request("POST", "\(base)/api/user/signup/", ["username": "fay", "email": "f@example.com", "password": "correct horse"])
        let (_, login) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "fay", "password": "correct horse"])
        let token = try #require(login["token"] as? String)
        _ = try await TestHTTP.request("POST", "\(base)/api/room/create/", ["name": "counted"], token: token)
        let (wrong, _) = try await TestHTTP.request("POST", "\(base)/api/user/login/", ["username": "fay", "password": "wrong horse"])
        #expect(wrong >= 400 && wrong < 500)

        let sockets = (0..<2).map { _ in TestSocket(url: "\(base.replacingOccurrences(of: "http", with: "ws"))/ws/join/?name=counted&token=\(token)") }
        for socket in sockets { _ = try await socket.nextArray() }
        for index in 0..<3 { sockets[0].send(#"{"type":"message","content":"m\#(index)"}"#) }
        for socket in sockets { for _ in 0..<3 { _ = try await socket.nextObject() } }

        // A broadcast is counted just after its frames are handed to the sockets' event
        // loops, so a client can read the frames before the count moves: wait (bounded)
        // until the broadcast figures are in, then check every figure.
        var fetched: (String, PrometheusText)?
        _ = try await waitUntil {
            let current = try await Self.metrics(base)
            fetched = current
            return current.1.value("chatctl_messages_broadcast_total") == 3 && current.1.value("chatctl_deliveries_total") == 6
                && current.1.value("chatctl_fanout_latency_seconds_count") == 3
        }
        let (text, after) = try #require(fetched)
        #expect(after.value("chatctl_messages_posted_total") == 3, "\(text)")
        #expect(after.value("chatctl_messages_broadcast_total") == 3)
        #expect(after.value("chatctl_deliveries_total") == 6)
        #expect(after.value("chatctl_connections_open") == 2)
        #expect(after.value("chatctl_rooms_active") == 1)
        #expect(after.value("chatctl_fanout_latency_seconds_count") == 3)
        #expect(after.types["chatctl_fanout_latency_seconds"] == "histogram")
        #expect(after.value("chatctl_store_seconds_count", [#"operation="write_messages""#]) == 3)
        #expect(after.value("chatctl_http_requests_total", [#"route="/api/user/signup""#, #"status="201""#]) == 1, "\(text)")
        #expect(after.value("chatctl_http_requests_total", [#"route="/api/user/login""#, #"status="\#(wrong)""#]) == 1)
        #expect(after.value("chatctl_http_requests_total", [#"route="/api/user/login""#, #"status="200""#]) == 1)
        #expect(Set(after.helps.keys) == Set(after.types.keys), "every metric has a HELP line: \(text)")

        for socket in sockets { await socket.close() }
        let closed = try await PrometheusText.waitForOpenConnections(0, at: base)
        #expect(closed, "connections_open back to 0 after the sockets closed")
    }
}

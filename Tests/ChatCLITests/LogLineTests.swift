import Foundation
import Logging
import Testing
@testable import ChatRuntime

@Suite("log lines")
struct LogLineTests {
    let time = Date(timeIntervalSince1970: 1_796_000_000.25)

    @Test("logfmt: one line, values quoted and escaped only when needed, keys sorted")
    func logfmt() {
        let line = LineLogHandler.format(
            .logfmt, timestamp: time, level: .warning, label: "chatctl", message: "slow \"socket\"\nclosed",
            metadata: ["room": "lobby", "user": "ann lee", "count": "3", "empty": ""])
        #expect(line == #"ts=2026-11-30T00:53:20.250Z level=warning label=chatctl msg="slow \"socket\"\nclosed" count=3 empty="" room=lobby user="ann lee""# + "\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("json: one object per line that parses back, control characters escaped")
    func json() throws {
        let line = LineLogHandler.format(
            .json, timestamp: time, level: .info, label: "chatctl", message: "tab\there \u{1}",
            metadata: ["hb.request.id": "abc", "list": .array(["a", "b"])])
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "tab\there \u{1}")
        #expect(object["level"] == "info")
        #expect(object["hb.request.id"] == "abc")
        #expect(object["list"] == "[a,b]")
        #expect(object["ts"] == "2026-11-30T00:53:20.250Z")
    }

    @Test("metadata naming a secret is never written, in either format")
    func redaction() {
        for format in LogFormat.allCases {
            let line = LineLogHandler.format(
                format, timestamp: time, level: .error, label: "x", message: "m",
                metadata: ["password": "hunter2", "secret_key": "s3cr3t", "Authorization": "Bearer abc.def", "refresh_token": "t0k", "user": "ann"])
            for secret in ["hunter2", "s3cr3t", "abc.def", "t0k"] { #expect(!line.contains(secret), "\(format): \(line)") }
            #expect(line.contains("ann"))
            #expect(line.contains("[redacted]"))
        }
    }

    @Test("log.format is validated with the key named")
    func badFormat() async throws {
        let result = try await ChatctlProcess.run(["config", "check"], environment: ["CHATCTL_LOG_FORMAT": "xml", "SECRET_KEY": "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("log.format"), "\(result.stderr)")
    }

    @Test("--log-format json makes the service log JSON lines")
    func serveJSON() async throws {
        let server = try ChatctlProcess(
            ["serve", "chat", "--host", "127.0.0.1", "--port", "0", "--log-format", "json",
             "--data-dir", FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-json-\(UUID().uuidString)").path],
            environment: ["SECRET_KEY": "json-log-secret-0123456789abcdef"])
        defer { server.stop() }
        _ = try await server.waitForLog(#"("msg":"chat service listening")"#)
        server.stop()
        #expect(try await server.waitForExit() == 0)
        let lines = server.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not a JSON line: \(line)")
        }
    }
}

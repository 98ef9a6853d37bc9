import ChatBackends
import ChatCore
import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `POST /admin/config/reload` on the operator API, over a reloader that answers as told.
@Suite("operator API: config reload")
struct ConfigReloadRouteTests {
    /// Answers every reload with `outcome`.
    struct ScriptedReloader: ConfigReloading {
        let outcome: Result<ConfigReloadReport, ConfigReloadRefusal>

        func reload(trigger: String) async throws(ConfigReloadRefusal) -> ConfigReloadReport {
            try outcome.get()
        }
    }

    static func post(_ outcome: Result<ConfigReloadReport, ConfigReloadRefusal>, token: String?) async throws -> (HTTPResponse.Status, [String: Any]) {
        var logger = Logger(label: "admin-test")
        logger.logLevel = .critical
        let api = AdminApplication.build(
            host: "127.0.0.1", port: 0, routes: [ConfigAdminRoutes(reloader: ScriptedReloader(outcome: outcome))],
            tokens: await JWTOperatorTokens(secret: OperatorAPITests.secret), logger: logger)
        let (status, data) = try await api.test(.live) { client in
            var headers: HTTPFields = [:]
            if let token { headers[.authorization] = "Bearer \(token)" }
            let response = try await client.execute(uri: "/admin/config/reload", method: .post, headers: headers, body: nil)
            return (response.status, Data(buffer: response.body))
        }
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    @Test("a reload answers 200 {applied, needs_restart}; a refusal 422 {error, key}; no operator token, 401")
    func answers() async throws {
        let token = try await JWTOperatorTokens(secret: OperatorAPITests.secret).issue(subject: "tester@box")
        let report = ConfigReloadReport(applied: ["message_rate_limit"], needsRestart: ["chat.port"])
        let (status, body) = try await Self.post(.success(report), token: token)
        #expect(status == .ok)
        #expect(body["applied"] as? [String] == ["message_rate_limit"] && body["needs_restart"] as? [String] == ["chat.port"], "\(body)")

        let refusal = ConfigReloadRefusal(key: "message_rate_burst", message: "must be at least 1")
        let (refusedStatus, refused) = try await Self.post(.failure(refusal), token: token)
        #expect(refusedStatus == .unprocessableContent)
        #expect(refused["key"] as? String == "message_rate_burst")
        #expect(refused["error"] as? String == "configuration message_rate_burst: must be at least 1")

        let (anonymous, _) = try await Self.post(.success(report), token: nil)
        #expect(anonymous == .unauthorized)
    }
}

import ChatClient
import ChatCore
import ChatRuntime
import Foundation

/// Calls to the operator API of registered nodes (at the address each node recorded),
/// each with a fresh operator token signed with the configured secret. The one place a
/// command talks to a node's operator API.
struct OperatorAPIClient: Sendable {
    /// How long one call may take: a node that does not answer within it counts as unreachable.
    static let timeout: Duration = .seconds(3)

    let tokens: any OperatorTokenAuthority
    /// Who asks (`user@host`), named in the token for the node's log.
    let subject: String

    /// - Throws: `RuntimeError` when no secret key is configured.
    static func make(_ settings: Settings) async throws -> OperatorAPIClient {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "chatctl"
        return OperatorAPIClient(tokens: try await TokenTools.operatorTokens(settings), subject: "\(user)@\(LocalNode.hostName())")
    }

    /// Why a node's answer could not be had.
    enum Failure: Error, Sendable, CustomStringConvertible {
        /// The node's record names no operator API (it has no secret key to check tokens).
        case noOperatorAPI
        /// Nothing answered at the recorded address in time.
        case unreachable(String)
        /// The node answered with another status than 200 (401: the token was refused).
        case refused(status: Int, message: String)
        /// The node would not, naming the setting or field at fault (`{"error", "key"}`).
        case declined(status: Int, message: String, key: String)
        /// The answer was not what the operator API sends.
        case unusable(String)

        var description: String {
            switch self {
            case .noOperatorAPI: "runs no operator API (no secret key configured on it)"
            case .unreachable(let detail): "does not answer: \(detail)"
            case .refused(401, let message): "answered 401: \(message) (is SECRET_KEY the node's?)"
            case .refused(let status, let message): "answered \(status): \(message)"
            case .declined(_, let message, _): message
            case .unusable(let detail): "answered something unexpected: \(detail)"
            }
        }
    }

    /// `GET path` on `node`'s operator API, its JSON answer decoded as `T`.
    func get<T: Decodable>(_ path: String, from node: NodeRecord, as type: T.Type = T.self) async throws(Failure) -> T {
        try await call(.GET, path, body: nil, on: node, timeout: Self.timeout, as: type)
    }

    /// `POST path` on `node`'s operator API with `body` as JSON, its JSON answer decoded as
    /// `T`, within `timeout` (a change may take longer than a look).
    func post<Body: Encodable, T: Decodable>(
        _ path: String, _ body: Body, to node: NodeRecord, as type: T.Type = T.self, timeout: Duration = OperatorAPIClient.timeout
    ) async throws(Failure) -> T {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(body))
        } catch {
            throw Failure.unusable("cannot encode the request: \(error)")
        }
        return try await call(.POST, path, body: bytes, on: node, timeout: timeout, as: type)
    }

    /// `POST path` with no body on `node`'s operator API, its JSON answer decoded as `T`.
    func post<T: Decodable>(_ path: String, to node: NodeRecord, as type: T.Type = T.self) async throws(Failure) -> T {
        try await call(.POST, path, body: nil, on: node, timeout: Self.timeout, as: type)
    }

    /// The methods the operator API takes.
    private enum Method: String {
        case GET, POST
    }

    /// One call with a fresh operator token; a 200 answer decoded as `T`.
    private func call<T: Decodable>(
        _ method: Method, _ path: String, body: [UInt8]?, on node: NodeRecord, timeout: Duration, as type: T.Type
    ) async throws(Failure) -> T {
        guard let admin = node.admin else { throw Failure.noOperatorAPI }
        let token: String
        do {
            token = try await tokens.issue(subject: subject)
        } catch {
            throw Failure.unusable("cannot sign an operator token: \(error)")
        }
        let response: ChatHTTPClient.Response
        do {
            let client = ChatHTTPClient(host: admin.host, port: admin.port, timeout: timeout)
            switch method {
            case .GET: response = try await client.send(.GET, path, body: body, token: token)
            case .POST: response = try await client.send(.POST, path, body: body, token: token)
            }
        } catch {
            throw Failure.unreachable("\(admin): \(error)")
        }
        guard response.status == 200 else {
            let body = response.object
            let message = String(((body["message"] as? String) ?? (body["error"] as? String) ?? response.text).prefix(200))
            if let key = body["key"] as? String { throw Failure.declined(status: response.status, message: message, key: key) }
            throw Failure.refused(status: response.status, message: message)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw Failure.unusable("\(method.rawValue) \(path): \(error)")
        }
    }
}

import ChatClient
import Foundation
import NIOHTTP1

/// HTTP from tests to a service running in its own process (`chatctl`, the Go side's
/// endpoints), through ChatClient's `ChatHTTPClient`: one connection per request, each
/// bounded by `Patience.seconds` (a loaded machine can be slow to answer a freshly
/// started process; the bound only ends a failing request). A refused connection fails
/// at once.
///
/// The one JSON request helper of the process tests. Tests that run the chat app in
/// process use HummingbirdTesting's `.live` client (`LiveChat`), and deliberately
/// malformed requests go through raw sockets (`RawUpgrade`).
public enum TestHTTP {
    /// Sends `method` to `url` (`http://host:port/path?query`) with `json` as the body
    /// and an optional bearer token.
    public static func send(
        _ method: String, _ url: String, json: [String: Any]? = nil, token: String? = nil, seconds: Double = Patience.seconds
    ) async throws -> ChatHTTPClient.Response {
        guard let components = URLComponents(string: url) else { throw ChatClientError("'\(url)' is not a URL") }
        let client = try ChatHTTPClient(baseURL: url, timeout: .seconds(seconds))
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let body = try json.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) }
        return try await client.send(HTTPMethod(rawValue: method), path, body: body, token: token)
    }

    /// The status and the body as a JSON object (empty when it is not one).
    public static func request(_ method: String, _ url: String, _ json: [String: Any]? = nil, token: String? = nil) async throws -> (Int, [String: Any]) {
        let response = try await send(method, url, json: json, token: token)
        return (response.status, response.object)
    }

    /// GET `url`.
    public static func get(_ url: String, token: String? = nil) async throws -> ChatHTTPClient.Response {
        try await send("GET", url, token: token)
    }
}

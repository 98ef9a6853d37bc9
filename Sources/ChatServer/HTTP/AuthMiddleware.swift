import ChatCore
import Hummingbird
import HummingbirdCore

/// Authenticates a request from `Authorization: Bearer <jwt>` or, for browsers that
/// cannot set headers on a WebSocket, a `token` query parameter. Refuses with 401.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = ChatRequestContext
    let authenticate: Authenticate

    public init(ports: ChatPorts) {
        self.authenticate = Authenticate(ports: ports)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.identity = try await authenticate(token: Self.token(headers: request.headers, uri: request.uri))
        return try await next(request, context)
    }

    /// The bearer token of a request, if it carries one.
    static func token(headers: HTTPFields, uri: URI) -> String? {
        if let header = headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
        return uri.queryParameters.get("token")
    }
}

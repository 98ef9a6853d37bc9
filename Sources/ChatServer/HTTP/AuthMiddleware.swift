import ChatCore
import Hummingbird

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
        context.identity = try await authenticate(token: Self.token(from: request))
        return try await next(request, context)
    }

    /// The bearer token of a request, if it carries one.
    static func token(from request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
        return request.uri.queryParameters.get("token")
    }
}

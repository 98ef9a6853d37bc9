import ChatCore
import Foundation
import Hummingbird
import HummingbirdCore

/// Lets a request reach the operator API only with `Authorization: Bearer <operator
/// token>` (no query-string token: only `chatctl` calls it, and it sets headers).
/// Anything else — no token, a user token, a token signed with another secret, an
/// expired or long-lived one — gets 401 `{"error","message"}` saying why, and is logged.
struct OperatorAuthMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let tokens: any OperatorTokenAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            guard let token = Self.bearerToken(request.headers) else { throw ChatError.unauthorized("missing or malformed operator token") }
            context.operatorClaims = try await tokens.verify(token)
        } catch let error as ChatError {
            context.logger.warning("operator API request refused", metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "reason": "\(error.message)",
            ])
            throw error
        }
        context.logger.debug("operator API request", metadata: [
            "method": "\(request.method)", "path": "\(request.uri.path)", "subject": "\(context.operatorClaims?.subject ?? "")",
        ])
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer` header, if the request has one.
    static func bearerToken(_ headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

import ChatCore
import Hummingbird

/// Logs the operator-facing detail of backend failures (the client gets only a 503
/// saying which service is unavailable).
struct BackendFailureLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ChatError where error.kind == .backendUnavailable || error.kind == .internalError {
            context.logger.error(
                "request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error.message)", "detail": "\(error.detail ?? "")"])
            throw error
        }
    }
}

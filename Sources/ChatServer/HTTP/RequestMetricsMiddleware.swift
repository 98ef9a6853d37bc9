import ChatCore
import Hummingbird

/// Counts HTTP requests by route template (`/api/room/list/`, never a raw path with
/// ids or query), method and status, and times them.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext
    let metrics: ChatMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.recordRequest(
                route: context.endpointPath ?? "unmatched", method: method, status: response.status.code, duration: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: method, status: status, duration: .now - start)
            throw error
        }
    }
}

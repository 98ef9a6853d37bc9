import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GET requests from tests to `chatctl` processes: a short timeout per attempt, retried
/// only when an attempt timed out. FoundationNetworking's shared session has stalled a
/// first request for its whole 60 s default in loaded CI runs while the server answered
/// everyone else; a refused connection or any other error is not retried, so a server
/// that is not listening still fails the test at once.
enum TestHTTP {
    static func get(_ url: URL, attempts: Int = 4, timeout: TimeInterval = 10) async throws -> (Data, URLResponse) {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        for attempt in 1... {
            do {
                return try await URLSession.shared.data(for: request)
            } catch let error as URLError where error.code == .timedOut && attempt < attempts {
                continue
            }
        }
        fatalError("unreachable")
    }
}

import ChatTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GET requests from tests to `chatctl` processes, with a `Patience.seconds` timeout per
/// attempt (a loaded machine can be slow to answer a freshly started process; the bound
/// only ends a failing request). Retrying is opt-in and only after a timeout: a
/// refused connection or any other error fails at once. (The systemd readiness test's
/// "first request hangs" failures in loaded CI runs were the server's: a blocking
/// `sd_notify` send froze an event loop once the test's notify socket filled up.)
enum TestHTTP {
    static func get(_ url: URL, attempts: Int = 1, timeout: TimeInterval = Patience.seconds) async throws -> (Data, URLResponse) {
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

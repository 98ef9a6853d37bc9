/// What went wrong talking to a chat service, said so an operator can act on it.
public struct ChatClientError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// "timed out after … waiting for …".
    public static func timedOut(_ what: String, after timeout: Duration) -> ChatClientError {
        ChatClientError("timed out after \(timeout) waiting for \(what)")
    }
}

/// Runs `body`, throwing `ChatClientError.timedOut` when it takes longer than `timeout`
/// (the body is cancelled).
func withDeadline<T: Sendable>(_ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw ChatClientError.timedOut(what, after: timeout)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// The backends one process opened, in the order it opened them.
///
/// A later backend can fail to open after earlier ones succeeded (a malformed
/// `REDIS_URI` once the store is open, a RabbitMQ URL that does not parse once Redis is
/// up): `opening` closes whatever was opened, last first, before the error goes on, so a
/// failed start leaks no connection or thread. At shutdown `close()` does the same for
/// them all — the reverse of the opening order, so nothing is closed before what was
/// opened on top of it.
public struct OpenedBackends: Sendable {
    private var backends: [any ClosableBackend] = []

    public init() {}

    /// Runs `body`, which opens backends and appends each to the set it is given; when
    /// `body` throws, every backend it appended is closed (last first) and the error
    /// rethrown unchanged.
    public static func opening<Value>(_ body: (inout OpenedBackends) async throws -> Value) async throws -> Value {
        var opened = OpenedBackends()
        do {
            return try await body(&opened)
        } catch {
            await opened.close()
            throw error
        }
    }

    /// Records a backend that is open (append it as soon as its factory returned).
    public mutating func append(_ backend: any ClosableBackend) {
        backends.append(backend)
    }

    /// Closes every backend, the last opened first.
    public func close() async {
        for backend in backends.reversed() {
            await backend.close()
        }
    }
}

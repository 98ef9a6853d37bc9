/// Runs `body` with `resource`, then awaits `close` on every path (success or error),
/// so a one-shot command never exits with a connection still being torn down.
public func withClosing<Resource, Result>(
    _ resource: Resource, close: (Resource) async -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    do {
        let result = try await body(resource)
        await close(resource)
        return result
    } catch {
        await close(resource)
        throw error
    }
}

import AMQPKit

/// A broker's queues for the operator commands (`queues list|peek|purge|migrate`,
/// `doctor`): counts and durability, declare, a peek that loses nothing, purge,
/// confirmed moves and conditional deletes (what `queues migrate` is made of) — over
/// the same AMQPKit client the services use, its failures as `BackendError`s.
///
/// The client connects on the first call, on its own thread, and stops with `close()`.
public struct RabbitMQQueues: Sendable {
    private let client: AMQPClient

    private init(client: AMQPClient) { self.client = client }

    /// A client for the broker at `address` (no I/O yet).
    /// - Throws: `BackendError` (`.invalidAddress`) when the URL does not parse.
    public static func open(_ address: RabbitMQAddress) throws(BackendError) -> RabbitMQQueues {
        let endpoint = try address.endpoint()
        return RabbitMQQueues(client: AMQPClient(endpoint: endpoint))
    }

    /// Stops the client's thread after the calls already queued.
    public func close() { client.close() }

    /// Where (the password redacted).
    public var endpoint: String { "\(client.endpoint)" }

    /// The queue's counts and durability, or nil when it does not exist — creating
    /// nothing: a passive declare, then a declare with `queue`'s arguments (which
    /// changes nothing on an existing queue and, with `acceptsOtherDurability`, finds
    /// its durability).
    public func inspect(_ queue: QueueDeclaration) async throws(BackendError) -> QueueState? {
        do throws(AMQPError) {
            guard let status = try await client.inspect(queue.amqp) else { return nil }
            return QueueState(status)
        } catch {
            throw failure(error)
        }
    }

    /// A passive declare's counts (no durability); nil when the queue does not exist.
    public func counts(of name: String) async throws(BackendError) -> QueueState? {
        do throws(AMQPError) {
            let status = try await client.status(of: name)
            return QueueState(status)
        } catch let error where error.kind == .closedByBroker(code: 404) {
            return nil
        } catch {
            throw failure(error)
        }
    }

    /// Declares `queue` (creating it if needed); refused (406) when it exists with
    /// other arguments and the declaration does not accept them.
    public func declare(_ queue: QueueDeclaration) async throws(BackendError) -> QueueState {
        do throws(AMQPError) {
            let status = try await client.declare(queue.amqp)
            return QueueState(status)
        } catch {
            throw failure(error)
        }
    }

    /// Deletes a queue; returns how many messages went with it. With `ifUnused` or
    /// `ifEmpty` the broker refuses (406) a queue with consumers or messages, checked in
    /// the same step.
    public func delete(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws(BackendError) -> Int {
        do throws(AMQPError) {
            return try await client.delete(name, ifUnused: ifUnused, ifEmpty: ifEmpty)
        } catch {
            throw failure(error)
        }
    }

    /// Moves up to `limit` messages from the head of `source` to `destination`, each one
    /// published persistent and confirmed before the original is acknowledged; returns
    /// how many (0: `source` is empty).
    public func move(from source: String, to destination: String, limit: Int) async throws(BackendError) -> Int {
        do throws(AMQPError) {
            return try await client.move(from: source, to: destination, limit: limit)
        } catch {
            throw failure(error)
        }
    }

    /// Up to `limit` messages from the head of the queue, returned to it in place.
    public func peek(_ name: String, limit: Int) async throws(BackendError) -> [QueuedMessage] {
        do throws(AMQPError) {
            let deliveries = try await client.peek(name, limit: limit)
            return deliveries.map { QueuedMessage($0) }
        } catch {
            throw failure(error)
        }
    }

    /// Removes every ready message; returns how many.
    public func purge(_ name: String) async throws(BackendError) -> Int {
        do throws(AMQPError) {
            return try await client.purge(name)
        } catch {
            throw failure(error)
        }
    }

    /// The one wrapping of the client's errors: the broker's reply code when it refused,
    /// its words (no credentials) as the reason.
    private func failure(_ error: AMQPError) -> BackendError {
        if case .closedByBroker(let code) = error.kind {
            return BackendError(.rabbitMQ, .refused(code: code), target: endpoint, reason: error.message)
        }
        return BackendError(.rabbitMQ, .failed, target: endpoint, reason: error.message)
    }
}

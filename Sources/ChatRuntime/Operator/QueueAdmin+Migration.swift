import ChatBackends
import Foundation

/// `chatctl queues migrate`: the event queue from non-durable (as the Go services
/// declare it) to durable, without losing an event.
///
/// A queue's durability cannot change, so the queue is replaced: every event goes to
/// `<queue>.migrating` (durable), the old queue is deleted — by the broker only while it
/// is empty and has no consumers, checked in the same step — and declared again durable,
/// and the events come back, in order. Every move is a confirmed, persistent publish
/// followed by the acknowledgement of the original, so an event is always in at least
/// one of the two queues. chatctl's publishers publish mandatory: an event they publish
/// in the moment the queue is missing comes back to them, and they declare the queue
/// (durable, under auto) and publish it again. What no client can cover (seen on
/// RabbitMQ 3.10): an event already routed to the old queue but not yet in it when the
/// delete runs is confirmed to its publisher and dropped — the broker confirms what a
/// deleted queue was to receive — so a migration that must lose nothing at all needs the
/// publishers stopped too. A run that is killed leaves the events in `<queue>.migrating`;
/// the next run moves them back first.
extension QueueAdmin {
    /// What `queues migrate` did or, with `--dry-run`, would do.
    public struct Migration: Sendable, Encodable {
        public var queue: String
        /// Where the events wait while the queue is declared anew: `<queue>.migrating`.
        public var temporaryQueue: String
        public var dryRun: Bool
        /// The queue's durability before (nil: it did not exist).
        public var wasDurable: Bool?
        /// After (dry run: as it would be; nil: the queue does not exist).
        public var durable: Bool?
        /// Events a killed run had left in the temporary queue, moved back first.
        public var recovered: Int
        /// Events moved into the durable queue (dry run: as many as there are now;
        /// chat services publishing meanwhile add theirs).
        public var moved: Int
        /// What was done (dry run: would be done), in order.
        public var steps: [String]
    }

    /// `queues migrate` would not touch the queue: it has consumers. Nothing is lost
    /// (events already moved went back).
    public struct MigrationRefused: Error, Sendable, CustomStringConvertible {
        public let description: String
        public let migration: Migration
    }

    /// Which move `progress` reports.
    public enum MigrationPhase: String, Sendable {
        /// A killed run's events, from the temporary queue back into the queue.
        case recovering
        /// The old queue's events into the temporary queue.
        case draining
        /// The events from the temporary queue into the durable queue.
        case returning
    }

    /// Messages per confirmed move.
    static let moveBatch = 100
    /// Drain-and-delete rounds before giving up on a queue that keeps getting events.
    static let drainAttempts = 20

    /// Moves the event queue to a durable one of the same name (see the type's comment).
    ///
    /// - Throws: `MigrationRefused` while the queue has consumers (also for a dry run);
    ///   `RuntimeError` with `rabbitmq.queue_durable` = false, or when the broker fails.
    public func migrate(dryRun: Bool, progress: @Sendable (MigrationPhase, _ done: Int, _ total: Int?) -> Void = { _, _, _ in }) async throws -> Migration {
        let name = settings.rabbitMQQueue
        let temporary = name + ".migrating"
        if case .required(durable: false) = settings.rabbitMQQueueDurability {
            throw RuntimeError("""
                \(SettingKey.rabbitMQQueueDurable.key) is false (from \(settings.origin(of: .rabbitMQQueueDurable))): chatctl's services \
                would declare \(name) non-durable again; set it to auto or true, for them too, then migrate
                """)
        }
        let before = try await inspect(name)
        let leftover = try await inspect(temporary)
        var migration = Migration(
            queue: name, temporaryQueue: temporary, dryRun: dryRun, wasDurable: before?.durable, durable: before?.durable, recovered: 0,
            moved: 0, steps: [])
        if dryRun { return try plan(migration, before: before, leftover: leftover) }

        // A killed run's events first, back where the notification services look.
        if let leftover {
            if before == nil {
                try await declareDurable(name)
                migration.steps.append("declared \(name) durable")
            }
            migration.recovered = try await moveAll(from: temporary, to: name, total: leftover.messages, phase: .recovering, progress: progress)
            if migration.recovered > 0 { migration.steps.append("moved \(migration.recovered) events a killed run had left in \(temporary) back into \(name)") }
        }
        guard var current = try await inspect(name), current.durable == false else {
            if leftover != nil {
                try await deleteTemporary(temporary, into: name)
                migration.steps.append("deleted \(temporary)")
            }
            migration.durable = try await inspect(name)?.durable
            if migration.steps.isEmpty { migration.steps.append(Self.nothingToDo(name, exists: migration.durable != nil)) }
            return migration
        }
        guard current.consumers == 0 else {
            if leftover != nil { try await deleteTemporary(temporary, into: name) }
            throw Self.refusal(name, consumers: current.consumers, migration)
        }

        try await declareDurable(temporary)
        migration.steps.append("declared \(temporary) durable")
        var drained = 0
        var attempt = 0
        // Each round either drains the old queue and deletes it, or (once it is gone)
        // declares the durable one; a round that finds a new non-durable queue drains again.
        var declaring = false
        replace: while true {
            attempt += 1
            guard attempt <= Self.drainAttempts else {
                let back = try await moveAll(from: temporary, to: name, total: nil, phase: .returning, progress: progress)
                try await deleteTemporary(temporary, into: name)
                throw RuntimeError("""
                    gave up after \(Self.drainAttempts) rounds: \(name) kept getting events (or was declared non-durable again) \
                    faster than they could be moved; the \(back) events moved so far are back in it, nothing else changed; \
                    stop the Go services and chat services with rabbitmq.queue_durable=false, then run it again
                    """)
            }
            if !declaring {
                drained += try await moveAll(
                    from: name, to: temporary, total: current.messages, limit: current.messages + Self.moveBatch, phase: .draining, progress: progress)
                do throws(BackendError) {
                    _ = try await queues.delete(name, ifUnused: true, ifEmpty: true)
                } catch {
                    guard error.kind == .refused(code: 406) else { throw RuntimeError(error.reason) }
                    // Refused: events arrived since the last move, or a consumer attached.
                    // (Gone by now: someone else deleted it; declare it below.)
                    if let now = try await inspect(name) {
                        if now.durable == true { break replace }
                        if now.consumers > 0 {
                            let back = try await moveAll(from: temporary, to: name, total: nil, phase: .returning, progress: progress)
                            try await deleteTemporary(temporary, into: name)
                            migration.steps.append("moved the \(back) events back into \(name): a consumer attached")
                            throw Self.refusal(name, consumers: now.consumers, migration)
                        }
                        current = now
                        continue replace
                    }
                }
                declaring = true
            }
            do throws(BackendError) {
                _ = try await queues.declare(QueueDeclaration(name: name, durable: true))
                break replace
            } catch {
                guard error.kind == .refused(code: 406) else { throw RuntimeError(error.reason) }
                // Declared again non-durable in the moment it was missing (a Go service, or a
                // chatctl service with rabbitmq.queue_durable=false): drain that one too.
                if let now = try await inspect(name) {
                    if now.durable == true { break replace }
                    current = now
                    declaring = false
                }
            }
        }
        migration.steps.append("moved \(drained) events from \(name) into \(temporary), deleted \(name) and declared it durable")
        let waiting = try await counts(of: temporary)?.messages
        migration.moved = try await moveAll(from: temporary, to: name, total: waiting, phase: .returning, progress: progress)
        migration.steps.append("moved \(migration.moved) events back into \(name)")
        try await deleteTemporary(temporary, into: name)
        migration.steps.append("deleted \(temporary)")
        migration.durable = try await inspect(name)?.durable
        return migration
    }

    /// The dry run: what `migrate` would do, from what the broker holds now.
    private func plan(_ start: Migration, before: QueueState?, leftover: QueueState?) throws -> Migration {
        var migration = start
        let name = migration.queue
        let temporary = migration.temporaryQueue
        if let leftover {
            if before == nil { migration.steps.append("declare \(name) durable") }
            if leftover.messages > 0 { migration.steps.append("move the \(leftover.messages) events a killed run left in \(temporary) back into \(name)") }
            migration.recovered = leftover.messages
        }
        guard let before, before.durable == false else {
            if leftover != nil {
                migration.steps.append("delete \(temporary)")
                migration.durable = true
            }
            if migration.steps.isEmpty { migration.steps.append(Self.nothingToDo(name, exists: before != nil)) }
            return migration
        }
        guard before.consumers == 0 else { throw Self.refusal(name, consumers: before.consumers, migration) }
        migration.steps += [
            "declare \(temporary) durable",
            "move every event of \(name) (\(before.messages + migration.recovered) now) into \(temporary), each one confirmed before it is acknowledged",
            "delete \(name) once it is empty and has no consumers, and declare it durable",
            "move the events back into \(name), in order",
            "delete \(temporary)",
        ]
        migration.moved = before.messages + migration.recovered
        migration.durable = true
        return migration
    }

    private static func nothingToDo(_ name: String, exists: Bool) -> String {
        exists ? "nothing to do: \(name) is durable already" : "nothing to do: \(name) does not exist (chatctl's services create it durable)"
    }

    private static func refusal(_ name: String, consumers: Int, _ migration: Migration) -> MigrationRefused {
        MigrationRefused(
            description: """
                queue \(name) has \(consumers) consumer\(consumers == 1 ? "" : "s"): stop every notification service (chatctl serve notify \
                and the Go one) first; nothing was moved
                """,
            migration: migration)
    }

    /// The queue's counts and durability, or nil when it does not exist.
    private func inspect(_ name: String) async throws -> QueueState? {
        do throws(BackendError) {
            return try await queues.inspect(QueueDeclaration(name: name, durable: true, acceptsOtherDurability: true))
        } catch {
            throw RuntimeError(error.reason)
        }
    }

    /// Declares `name` durable; a queue that exists non-durable is an error.
    private func declareDurable(_ name: String) async throws {
        do throws(BackendError) {
            _ = try await queues.declare(QueueDeclaration(name: name, durable: true))
        } catch {
            throw RuntimeError(error.reason)
        }
    }

    /// Moves messages until `source` is empty (or `limit` moved); returns how many.
    private func moveAll(
        from source: String, to destination: String, total: Int?, limit: Int? = nil, phase: MigrationPhase,
        progress: @Sendable (MigrationPhase, Int, Int?) -> Void
    ) async throws -> Int {
        var moved = 0
        while limit.map({ moved < $0 }) ?? true {
            let batch: Int
            do throws(BackendError) {
                batch = try await queues.move(from: source, to: destination, limit: Self.moveBatch)
            } catch {
                throw RuntimeError("moving events from \(source) to \(destination): \(error.reason) (none is lost: run `chatctl queues migrate` again)")
            }
            guard batch > 0 else { break }
            moved += batch
            progress(phase, moved, total)
        }
        return moved
    }

    /// Deletes the temporary queue once it is empty; what reached it late goes to `queue` first.
    private func deleteTemporary(_ temporary: String, into queue: String) async throws {
        for _ in 0..<3 {
            do throws(BackendError) {
                _ = try await queues.delete(temporary, ifEmpty: true)
                return
            } catch {
                guard error.kind == .refused(code: 406) else { throw RuntimeError(error.reason) }
            }
            _ = try await moveAll(from: temporary, to: queue, total: nil, phase: .returning, progress: { _, _, _ in })
        }
        throw RuntimeError("\(temporary) keeps getting messages; it was left in place: run `chatctl queues migrate` again")
    }
}

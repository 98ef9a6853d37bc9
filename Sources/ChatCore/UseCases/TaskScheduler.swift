import Foundation
import Logging
import ServiceLifecycle

/// One recurring task of the scheduler.
public struct ScheduledTask: Sendable {
    public var name: String
    public var every: Duration
    /// Does the work; returns figures for the log line (e.g. `["moved": "120"]`).
    public var run: @Sendable () async throws -> [String: String]

    public init(name: String, every: Duration, run: @escaping @Sendable () async throws -> [String: String]) {
        self.name = name
        self.every = every
        self.run = run
    }
}

/// Thrown by a task's `run` that had nothing to do this slot because another runner holds
/// its work (a `chatctl archive` holding the archive lock): logged and counted as skipped,
/// not as a failure.
public struct TaskSkipped: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Runs each task once per interval, across every scheduler sharing the locks.
///
/// Time is cut into slots of `every` (aligned to the Unix epoch, so all schedulers agree);
/// at each slot a scheduler takes the lock `task:<name>:<slot>` for two intervals and
/// runs the task only if it got it. The lock is never released early, so a second
/// scheduler reaching the same slot a moment later finds it taken: one run per slot.
/// On graceful shutdown the task in progress is cancelled — archiving stops between
/// batches, and a batch cut short is finished by the next run (it is idempotent).
public struct TaskScheduler: Service {
    let tasks: [ScheduledTask]
    let locks: any LockService
    let logger: Logger
    let metrics: ChatMetrics

    public init(tasks: [ScheduledTask], locks: any LockService, logger: Logger, metrics: ChatMetrics = .disabled) {
        self.tasks = tasks
        self.locks = locks
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        logger.info("scheduler started", metadata: ["tasks": "\(tasks.map { "\($0.name) every \($0.every)" }.joined(separator: ", "))"])
        await withTaskGroup(of: Void.self) { group in
            for task in tasks {
                group.addTask { await loop(task) }
            }
        }
    }

    /// Slot number of an instant for an interval.
    static func slot(at date: Date, every: Duration) -> Int64 {
        let interval = Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18
        return Int64((date.timeIntervalSince1970 / interval).rounded(.down))
    }

    private func loop(_ task: ScheduledTask) async {
        let interval = Double(task.every.components.seconds) + Double(task.every.components.attoseconds) / 1e18
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Sleep to the start of the next slot.
            let now = Date().timeIntervalSince1970
            let next = ((now / interval).rounded(.down) + 1) * interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(next - now)) }
            } catch {
                return
            }
            let slot = Self.slot(at: Date(timeIntervalSince1970: next + interval / 1000), every: task.every)
            await runOnce(task, slot: slot)
        }
    }

    private func runOnce(_ task: ScheduledTask, slot: Int64) async {
        let lease: LockLease?
        do {
            lease = try await locks.acquire("task:\(task.name):\(slot)", ttl: task.every * 2)
        } catch {
            logger.warning("scheduler could not reach its lock service; skipping this run", metadata: ["task": "\(task.name)", "error": "\(error)"])
            metrics.recordTaskRun(task: task.name, outcome: "failed")
            return
        }
        guard lease != nil else {
            logger.debug("task run by another scheduler", metadata: ["task": "\(task.name)", "slot": "\(slot)"])
            metrics.recordTaskRun(task: task.name, outcome: "skipped")
            return
        }
        let start = ContinuousClock.now
        do {
            let figures = try await cancelWhenGracefulShutdown { try await task.run() }
            var metadata: Logger.Metadata = ["task": "\(task.name)", "slot": "\(slot)", "elapsed_ms": "\((ContinuousClock.now - start).milliseconds)"]
            for (key, value) in figures { metadata[key] = "\(value)" }
            logger.info("task ran", metadata: metadata)
            metrics.recordTaskRun(task: task.name, outcome: "ok")
        } catch let skipped as TaskSkipped {
            logger.info("task skipped", metadata: ["task": "\(task.name)", "slot": "\(slot)", "reason": "\(skipped.reason)"])
            metrics.recordTaskRun(task: task.name, outcome: "skipped")
        } catch {
            logger.error("task failed", metadata: ["task": "\(task.name)", "slot": "\(slot)", "error": "\(error)"])
            metrics.recordTaskRun(task: task.name, outcome: "failed")
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

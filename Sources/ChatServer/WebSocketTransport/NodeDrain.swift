import ChatCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// This node's gentle drain (`chatctl nodes drain`, `POST /admin/drain`): the
/// `GentleDrain` state machine over the node's hubs, and the `Service` that runs it.
///
/// `start(_:)` (the operator API) moves it to draining and has every hub refuse new
/// sockets before it answers, so `/readyz` says 503 `draining` from then on and balancers
/// move away. The service, one of the node's `ServiceGroup`, then asks `plan.batch`
/// sockets every `plan.every` to reconnect elsewhere (a `reconnect` frame naming the last
/// message each was sent, then close 1012) until none is open, or the deadline passes and
/// the rest are asked at once. The node does not exit: it stays up and unready until the
/// operator or systemd restarts it. A graceful shutdown (SIGTERM) cancels a running drain;
/// `WebSocketDrain` then closes what is left with 1001, as without one.
public final class NodeDrain: Service, Sendable {
    /// The node's registry id, named in every status.
    public let nodeID: String
    private let state = Mutex(GentleDrain.idle)
    private let hubs = Mutex<[any ReconnectableHub]>([])
    /// Drains to run: `start(_:)` yields the plan, `run()` takes it.
    private let starts: AsyncStream<DrainPlan>
    private let startContinuation: AsyncStream<DrainPlan>.Continuation
    /// Called when the state changes (the node rewrites its registry record).
    private let onChange: @Sendable () -> Void
    private let logger: Logger

    /// - Parameter onChange: called (never blocking) when a drain starts, ends or is cancelled.
    public init(nodeID: String, logger: Logger, onChange: @escaping @Sendable () -> Void = {}) {
        self.nodeID = nodeID
        self.logger = logger
        self.onChange = onChange
        (starts, startContinuation) = AsyncStream.makeStream(of: DrainPlan.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a hub whose sockets the drain closes (the room hub, the notification hub).
    public func add(_ hub: any ReconnectableHub) {
        hubs.withLock { $0.append(hub) }
    }

    /// The state now.
    public var current: GentleDrain { state.withLock { $0 } }

    /// Whether a drain was started: the node is unready (`/readyz` 503) from then on.
    public var isUnready: Bool { current.hasStarted }

    /// Sockets open on the node's hubs now.
    public var openSockets: Int { hubs.withLock { $0 }.reduce(0) { $0 + $1.totalConnections } }

    /// The state as the operator API answers it.
    public func status() -> DrainStatus {
        DrainStatus(node: nodeID, drain: current, open: openSockets)
    }

    /// Starts a drain of `plan`: the hubs refuse new sockets before this returns; the
    /// service asks the first batch at once.
    /// - Throws: `ChatError` (`conflict`, field `state`) unless the node is idle.
    @discardableResult
    public func start(_ plan: DrainPlan) throws(ChatError) -> DrainStatus {
        let now = Date()
        let refusal = state.withLock { drain -> ChatError? in
            do throws(ChatError) {
                try drain.start(plan, at: now)
                return nil
            } catch {
                return error
            }
        }
        if let refusal { throw refusal }
        for hub in hubs.withLock({ $0 }) { hub.refuseNewSockets() }
        startContinuation.yield(plan)
        onChange()
        return status()
    }

    public func run() async throws {
        for await plan in starts.cancelOnGracefulShutdown() {
            await drain(plan)
        }
        // A graceful shutdown (or cancellation) ends it; a drain still running is cancelled.
        let cancelled = state.withLock { drain -> Bool in
            guard case .draining = drain else { return false }
            drain.cancel(at: Date())
            return true
        }
        if cancelled {
            logger.notice("gentle drain cancelled: the process is shutting down; the sockets left close with 1001", metadata: ["open": "\(openSockets)"])
            onChange()
        }
    }

    /// One drain, a batch per tick, until drained or the process shuts down.
    private func drain(_ plan: DrainPlan) async {
        logger.notice("gentle drain started: refusing new sockets, asking open ones to reconnect elsewhere", metadata: [
            "batch": "\(plan.batch)", "every_ms": "\(plan.everyMilliseconds)", "deadline_ms": "\(plan.deadlineMilliseconds)",
            "open": "\(openSockets)",
        ])
        while true {
            let hubs = self.hubs.withLock { $0 }
            let open = hubs.reduce(0) { $0 + $1.totalConnections }
            switch state.withLock({ $0.next(open: open, now: Date()) }) {
            case .stop:
                return finished()
            case .closeRest:
                let asked = Self.ask(hubs, upTo: Int.max, includingJoining: true)
                state.withLock { $0.closedRest(asked, at: Date()) }
                return finished()
            case .closeBatch(let size):
                let asked = Self.ask(hubs, upTo: size, includingJoining: false)
                state.withLock { $0.asked(asked) }
            }
            let pause = Self.pause(plan.every, until: current.progress?.deadline ?? Date())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return  // shutting down: `run()` cancels the drain
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
        }
    }

    /// Asks up to `limit` sockets of `hubs`, in order, to reconnect; returns how many it asked.
    static func ask(_ hubs: [any ReconnectableHub], upTo limit: Int, includingJoining: Bool) -> Int {
        var asked = 0
        for hub in hubs where asked < limit {
            asked += hub.askToReconnect(upTo: limit - asked, includingJoining: includingJoining)
        }
        return asked
    }

    /// The wait before the next tick: `every`, or less to wake at the deadline.
    static func pause(_ every: Duration, until deadline: Date, now: Date = Date()) -> Duration {
        let untilDeadline = Duration.milliseconds(Int64(max(0, deadline.timeIntervalSince(now)) * 1000) + 1)
        return min(every, untilDeadline)
    }

    private func finished() {
        guard let progress = current.progress else { return }
        let metadata: Logger.Metadata = [
            "closed": "\(progress.closed)", "forced": "\(progress.forced)", "open": "\(openSockets)",
            "deadline_reached": "\(progress.deadlineReached)",
        ]
        if progress.deadlineReached {
            logger.warning("gentle drain deadline passed: the sockets left were asked to reconnect at once; the node stays up, unready, until restarted", metadata: metadata)
        } else {
            logger.notice("gentle drain finished: no socket left; the node stays up, unready, until restarted", metadata: metadata)
        }
        onChange()
    }
}

extension ChatError {
    /// A socket refused before its upgrade because the node drains gently (503): connect
    /// again, and the balancer picks another node.
    static let nodeDraining = ChatError(.backendUnavailable, message: "this node is draining: connect again to reach another node")
}

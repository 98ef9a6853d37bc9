import BlockingGuard
import NIOCore
import NIOPosix
import Synchronization

/// A task executor that runs every job on one NIO event loop. Code under
/// `withTaskExecutorPreference(EventLoopTaskExecutor())` runs where chatctl's tasks run
/// (its executor puts Swift concurrency on NIO's loops), so a test can show that the
/// blocking part of a call leaves the loop.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let loop: any EventLoop

    public init(loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        loop.execute { unownedJob.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Collects what `BlockingCallGuard` reports while its handler is installed
/// (`BlockingCallGuard.reportingViolations(to: violations.handler) { … }`). The handler
/// is process-wide, so a test looks only for its own probe's text.
public final class BlockingViolations: Sendable {
    private let messages = Mutex<[String]>([])

    public init() {}

    public var handler: BlockingCallGuard.Handler {
        { message in self.messages.withLock { $0.append(message) } }
    }

    /// The reports whose message contains `text`.
    public func matching(_ text: String) -> [String] {
        messages.withLock { $0 }.filter { $0.contains(text) }
    }
}

import NIOPosix
import Synchronization

/// A debug-build tripwire for blocking calls on a NIO event loop.
///
/// chatctl runs Swift concurrency on NIO's event loops (`ChatctlMain`), so a thread that
/// waits — in a C library call, a file write, a sleep — stalls every socket of its loop,
/// not just the task that waited (a past bug: sd_notify's blocking `sendto` froze a loop).
/// Every synchronous section that may block starts with `assertNotOnEventLoop()`: a debug
/// build stops right there when that section runs on a loop thread. The CLI tests run
/// debug `chatctl` processes, which put their tasks on the loops, so the next such call
/// fails a test instead of freezing a server. Release builds skip the check.
///
/// Only NIO's loop threads are recognised. With `CHATCTL_EXECUTOR=default` tasks run on
/// Swift's cooperative pool, which this cannot tell from a thread of our own.
public enum BlockingCallGuard {
    /// Receives a violation's message in place of the default `assertionFailure`.
    public typealias Handler = @Sendable (_ message: String) -> Void

    /// The handlers `reportingViolations(to:_:)` installed (tests), by token: each
    /// removes only its own, so tests running at once never drop each other's. None
    /// means stop the process.
    private static let handlers = Mutex<(nextToken: Int, installed: [Int: Handler])>((0, [:]))

    /// Stops a debug build when called on a NIO event-loop thread; does nothing in
    /// release builds. Call it first thing in a section that may block.
    ///
    /// - Parameter what: the blocking call, for the message (e.g. "a libmongoc call").
    public static func assertNotOnEventLoop(
        _ what: @autoclosure () -> String = "a blocking call", file: StaticString = #fileID, line: UInt = #line
    ) {
        #if DEBUG
        guard let message = violation(what(), file: file, line: line) else { return }
        let installed = handlers.withLock { Array($0.installed.values) }
        guard !installed.isEmpty else {
            assertionFailure(message, file: file, line: line)
            return
        }
        for report in installed { report(message) }
        #endif
    }

    /// The message a blocking call would fail with on the current thread, or nil when
    /// the thread is not a NIO event loop. Checked in every build.
    public static func violation(_ what: String, file: StaticString = #fileID, line: UInt = #line) -> String? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        return "\(what) on event loop \(loop) at \(file):\(line): it would stall every socket of that loop; "
            + "run it on a thread pool or a thread of its own"
    }

    /// Runs `body` with violations reported to `handler` instead of stopping the process.
    ///
    /// Process-wide while `body` runs (the blocking section runs on another thread than
    /// the caller, so a task-local would not reach it), and every installed handler hears
    /// every violation: for a test that provokes one on purpose and looks for its own
    /// message.
    public static func reportingViolations(to handler: @escaping Handler, _ body: () async throws -> Void) async rethrows {
        let token = handlers.withLock { state -> Int in
            state.nextToken += 1
            state.installed[state.nextToken] = handler
            return state.nextToken
        }
        defer { _ = handlers.withLock { $0.installed.removeValue(forKey: token) } }
        try await body()
    }
}

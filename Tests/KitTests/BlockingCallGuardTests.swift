import BlockingGuard
import ChatTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// The tripwire that keeps blocking calls off the event loops: it must fire on a loop
/// thread and nowhere else (the Kits call it on every thread-pool hop).
@Suite("blocking-call guard")
struct BlockingCallGuardTests {
    @Test("on an event loop it fires, naming the call")
    func firesOnEventLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let message = try await loop.submit { BlockingCallGuard.violation("an on-loop probe") }.get()
        #expect(message?.contains("an on-loop probe") == true, "\(String(describing: message))")
        #if DEBUG
        let reports = BlockingViolations()
        try await BlockingCallGuard.reportingViolations(to: reports.handler) {
            try await loop.submit { BlockingCallGuard.assertNotOnEventLoop("an asserted on-loop probe") }.get()
        }
        #expect(reports.matching("an asserted on-loop probe").count == 1)
        #endif
    }

    @Test("off the event loops (a thread pool, a thread of its own, a test's task) it stays quiet")
    func quietOffLoop() async throws {
        let reports = BlockingViolations()
        try await BlockingCallGuard.reportingViolations(to: reports.handler) {
            let onPool = try await NIOThreadPool.singleton.runIfActive { () -> String? in
                BlockingCallGuard.assertNotOnEventLoop("an off-loop probe (pool)")
                return BlockingCallGuard.violation("an off-loop probe (pool)")
            }
            #expect(onPool == nil)
            let onThread = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let thread = Thread {
                    BlockingCallGuard.assertNotOnEventLoop("an off-loop probe (thread)")
                    continuation.resume(returning: BlockingCallGuard.violation("an off-loop probe (thread)"))
                }
                thread.start()
            }
            #expect(onThread == nil)
        }
        // The test process keeps Swift's own executor: its tasks are not on a loop.
        #expect(BlockingCallGuard.violation("an off-loop probe (task)") == nil)
        #expect(reports.matching("an off-loop probe").isEmpty)
    }
}

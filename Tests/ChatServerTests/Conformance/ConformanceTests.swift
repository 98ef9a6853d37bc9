import ChatTestSupport
import NIOPosix
import Testing

/// RFC 6455 conformance of both WebSockets chatctl serves, case by case over raw
/// sockets, in the Autobahn testsuite's sections: each case states the outcome the RFC
/// requires and cites where, and after each the service must still serve a fresh socket.
///
/// Serialized: each case starts a service of its own, and 320 of them at once held well
/// over a thousand descriptors in the test process — enough, on a busy machine, to hit
/// Foundation's over-read of `/proc/self/fd` in `Process.run()` (swift-corelibs-foundation
/// #5472) when another test started a `chatctl` meanwhile.
@Suite("WebSocket conformance (RFC 6455) of the room and notification sockets", .serialized)
struct ConformanceTests {
    /// Threads of the cases' own for their blocking sockets, so that 300-odd exchanges
    /// never hold up NIO's shared pool (bcrypt, SQLite) for the rest of the tests.
    static let sockets: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    @Test("the table covers every section, each case once")
    func table() {
        let cases = ConformanceTable.cases
        #expect(Set(cases.map(\.id)).count == cases.count, "duplicate case ids")
        let sections = Set(cases.map { testCase in String(testCase.id.prefix { $0 != "." }) })
        #expect(sections == ["1", "2", "3", "4", "5", "6", "7", "9", "12"])
        #expect(cases.count >= 120)
    }

    @Test("conformance", arguments: ConformanceTarget.allCases, ConformanceTable.cases)
    func conformance(_ target: ConformanceTarget, _ testCase: ConformanceCase) async throws {
        try await target.run { endpoint in
            let transcript = try await Self.sockets.runIfActive { try ConformanceRunner.play(testCase, on: endpoint) }
            let problems = ConformanceRunner.problems(testCase, transcript, target: target)
            #expect(problems.isEmpty, "\(testCase.id) \(testCase.title) on the \(target.testDescription): \(problems.joined(separator: "; "))")

            let fresh = ConformanceTable.freshSocket
            let after = try await Self.sockets.runIfActive { try ConformanceRunner.play(fresh, on: endpoint) }
            let freshProblems = ConformanceRunner.problems(fresh, after, target: target)
            #expect(freshProblems.isEmpty, "after \(testCase.id), a fresh \(target.testDescription): \(freshProblems.joined(separator: "; "))")
        }
    }
}

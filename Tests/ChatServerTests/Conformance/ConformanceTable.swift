/// Every conformance case, section by section.
enum ConformanceTable {
    static let cases: [ConformanceCase] =
        FramingCases.cases + PingCases.cases + ReservedCases.cases + FragmentationCases.cases + UTF8Cases.cases + CloseCases.cases
        + LimitCases.cases + HandshakeCases.cases

    /// After every case, on a new connection: the service still takes a message and
    /// answers a ping.
    static let freshSocket: ConformanceCase = {
        var fresh = ConformanceCase(
            "0", "a fresh socket still works", rfc: "§5.5.2",
            steps: .frames(.text(bytes: ConformancePayload.message("still serving")), .ping("alive")),
            expect: .answers([.message("still serving"), .pong(Array("alive".utf8))]))
        // A message the case's socket posted just before it failed may reach this one.
        fresh.ignoresOtherMessages = true
        return fresh
    }()
}

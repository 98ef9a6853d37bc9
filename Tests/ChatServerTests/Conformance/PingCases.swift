/// Autobahn 2: pings and pongs (§5.5.2, §5.5.3, §5.5: control frames of at most 125 bytes).
enum PingCases {
    static let binaryPayload: [UInt8] = [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF]
    static let tenPings: [RawFrame] = (1...10).map { RawFrame.ping("ping \($0)") }
    static let tenPongs: [ConformanceAnswer] = (1...10).map { ConformanceAnswer.pong(Array("ping \($0)".utf8)) }

    static let cases: [ConformanceCase] = [
        ConformanceCase("2.1", "a ping without payload", rfc: "§5.5.2", steps: .frames(.ping()), expect: .answers([.pong([])])),
        ConformanceCase(
            "2.2", "a ping with a text payload", rfc: "§5.5.2, §5.5.3", steps: .frames(.ping("Hello, world!")),
            expect: .answers([.pong(Array("Hello, world!".utf8))])),
        ConformanceCase(
            "2.3", "a ping with a binary payload", rfc: "§5.5.2, §5.5.3", steps: .frames(.ping(binaryPayload)),
            expect: .answers([.pong(binaryPayload)])),
        ConformanceCase(
            "2.4", "a ping with 125 bytes, the most a control frame holds", rfc: "§5.5",
            steps: .frames(.ping([UInt8](repeating: 0xFE, count: 125))), expect: .answers([.pong([UInt8](repeating: 0xFE, count: 125))])),
        ConformanceCase(
            "2.5", "a ping with 126 bytes", rfc: "§5.5", steps: .frames(.ping([UInt8](repeating: 0xFE, count: 126))), expect: .fails(1002)),
        ConformanceCase(
            "2.6", "a ping with 125 bytes written one byte at a time", rfc: "§5.5.2",
            steps: .chopped(.ping([UInt8](repeating: 0xFE, count: 125))),
            expect: .answers([.pong([UInt8](repeating: 0xFE, count: 125))])),
        ConformanceCase("2.7", "an unsolicited pong without payload is ignored", rfc: "§5.5.3", steps: .frames(.pong()), expect: .answers([])),
        ConformanceCase(
            "2.8", "an unsolicited pong with payload is ignored", rfc: "§5.5.3", steps: .frames(.pong(Array("unsolicited".utf8))),
            expect: .answers([])),
        ConformanceCase(
            "2.9", "an unsolicited pong, then a ping", rfc: "§5.5.3", steps: .frames(.pong(Array("unsolicited".utf8)), .ping("solicited")),
            expect: .answers([.pong(Array("solicited".utf8))])),
        ConformanceCase(
            "2.10", "ten pings, each answered in order", rfc: "§5.5.2", steps: tenPings.map { ConformanceStep.frame($0) }, expect: .answers(tenPongs)),
        ConformanceCase(
            "2.11", "ten pings written one byte at a time", rfc: "§5.5.2", steps: tenPings.map { ConformanceStep.pieces($0, 1) },
            expect: .answers(tenPongs)),
        ConformanceCase(
            "2.12", "ten pings in one write", rfc: "§5.5.2", steps: [.bytes(tenPings.flatMap { $0.encoded() })], expect: .answers(tenPongs)),
    ]
}

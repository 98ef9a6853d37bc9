/// Autobahn 3: reserved bits, 4: reserved opcodes (§5.2). No extension is negotiated, so
/// a frame with any RSV bit set fails the connection, as does any opcode 0x3–0x7 or
/// 0xB–0xF; a ping after the offending frame is not answered.
enum ReservedCases {
    static func message(_ content: String) -> RawFrame { .text(bytes: ConformancePayload.message(content)) }

    static let rsvCases: [ConformanceCase] = [
        ConformanceCase("3.1", "a text frame with RSV = 1", rfc: "§5.2", steps: .frames(message("rsv 1").withRSV(1)), expect: .fails(1002)),
        ConformanceCase(
            "3.2", "a message, one with RSV = 2, then a ping", rfc: "§5.2",
            steps: .frames(message("before rsv 2"), message("rsv 2").withRSV(2), .ping("after")), expect: .fails(1002)),
        ConformanceCase(
            "3.3", "a message, one with RSV = 3, then a ping, in one write", rfc: "§5.2",
            steps: [.oneWrite(message("before rsv 3"), message("rsv 3").withRSV(3), .ping("after"))], expect: .fails(1002)),
        ConformanceCase(
            "3.4", "a message, one with RSV = 4 (RSV1, permessage-deflate's bit), then a ping, one byte at a time", rfc: "§5.2",
            steps: .chopped(message("before rsv 4"), message("rsv 4").withRSV(4), .ping("after")), expect: .fails(1002)),
        ConformanceCase("3.5", "a binary frame with RSV = 5", rfc: "§5.2", steps: .frames(RawFrame.binary([0xFF]).withRSV(5)), expect: .fails(1002)),
        ConformanceCase("3.6", "a ping with RSV = 6 (not answered)", rfc: "§5.2", steps: .frames(RawFrame.ping("rsv 6").withRSV(6)), expect: .fails(1002)),
        ConformanceCase("3.7", "a close frame with RSV = 7", rfc: "§5.2", steps: .frames(RawFrame.close(1000).withRSV(7)), expect: .fails(1002)),
        ConformanceCase(
            "3.8", "a continuation frame with RSV1 inside a fragmented message", rfc: "§5.2",
            steps: .frames(.text(#"{"type":"message","#, fin: false), RawFrame.continuation(#""content":"x"}"#, fin: true).withRSV(4)),
            expect: .fails(1002)),
        ConformanceCase(
            "3.9", "a ping, then a frame with RSV2: the ping is answered first", rfc: "§5.2, §5.5.2",
            steps: .frames(.ping("first"), message("rsv 2").withRSV(2)), expect: .fails(1002, pongs: [Array("first".utf8)])),
    ]

    /// A frame with reserved `opcode`, alone (`id` .1, .2) or after a message and before a
    /// ping (.3 to .5; .5 one byte at a time), as Autobahn's 4.1 and 4.2 send them.
    static func opcodeCases(section: String, opcodes: [UInt8]) -> [ConformanceCase] {
        opcodes.enumerated().map { index, opcode in
            let id = "\(section).\(index + 1)"
            let frame = RawFrame(opcode: opcode, payload: index % 2 == 0 ? [] : Array("reserved".utf8))
            let title = "a frame with reserved opcode \(opcode)" + (index >= 2 ? " after a message, then a ping" : "")
            let steps: [ConformanceStep]
            switch index {
            case 0, 1: steps = .frames(frame)
            case 2, 3: steps = .frames(message("before \(id)"), frame, .ping("after"))
            default: steps = .chopped(message("before \(id)"), frame, .ping("after"))
            }
            return ConformanceCase(id, title, rfc: "§5.2", steps: steps, expect: .fails(1002))
        }
    }

    static let cases: [ConformanceCase] = rsvCases + opcodeCases(section: "4.1", opcodes: [3, 4, 5, 6, 7])
        + opcodeCases(section: "4.2", opcodes: [11, 12, 13, 14, 15])
}

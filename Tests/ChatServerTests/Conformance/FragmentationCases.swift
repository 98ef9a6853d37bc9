/// Autobahn 5: fragmentation (§5.4). Control frames must not be fragmented; a message's
/// fragments are reassembled, control frames may come between them, a continuation
/// needs a message to continue and a new message may not start inside one.
enum FragmentationCases {
    static func message(_ content: String) -> [UInt8] { ConformancePayload.message(content) }

    /// A chat message in two fragments, cut in the middle.
    static func halves(_ content: String) -> [RawFrame] {
        let payload = message(content)
        return ConformancePayload.fragments(payload, cutAt: [payload.count / 2])
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(
            "5.1", "a ping in two fragments", rfc: "§5.4, §5.5",
            steps: .frames(RawFrame(fin: false, opcode: RawFrame.Opcode.ping, payload: Array("fragment1".utf8)), .continuation("fragment2", fin: true)),
            expect: .fails(1002)),
        ConformanceCase(
            "5.2", "a pong in two fragments", rfc: "§5.4, §5.5",
            steps: .frames(RawFrame(fin: false, opcode: RawFrame.Opcode.pong, payload: Array("fragment1".utf8)), .continuation("fragment2", fin: true)),
            expect: .fails(1002)),
        ConformanceCase(
            "5.3", "a text message in two fragments", rfc: "§5.4", steps: halves("frag 5.3").map { ConformanceStep.frame($0) },
            expect: .answers([.message("frag 5.3")])),
        ConformanceCase(
            "5.4", "a text message in two fragments, one byte at a time", rfc: "§5.4",
            steps: halves("frag 5.4").map { ConformanceStep.pieces($0, 1) }, expect: .answers([.message("frag 5.4")])),
        ConformanceCase(
            "5.5", "a text message in fragments of one byte each", rfc: "§5.4",
            steps: ConformancePayload.fragments(message("frag 5.5"), every: 1).map { ConformanceStep.frame($0) },
            expect: .answers([.message("frag 5.5")])),
        pingBetween("5.6", "frag 5.6", piece: nil),
        pingBetween("5.7", "frag 5.7", piece: 1),
        ConformanceCase(
            "5.8", "a ping between two fragments, all in one write", rfc: "§5.4, §5.5",
            steps: [.bytes(between(halves("frag 5.8"), .ping("between")).flatMap { $0.encoded() })],
            expect: .answers([.pong(Array("between".utf8)), .message("frag 5.8")])),
        ConformanceCase(
            "5.9", "a continuation (fin) with no message to continue, then a message", rfc: "§5.4",
            steps: .frames(.continuation("nothing to continue", fin: true), .text(bytes: message("after 5.9"))), expect: .fails(1002)),
        ConformanceCase(
            "5.10", "the same, one byte at a time", rfc: "§5.4",
            steps: .chopped(.continuation("nothing to continue", fin: true), .text(bytes: message("after 5.10"))), expect: .fails(1002)),
        ConformanceCase(
            "5.11", "the same, in one write", rfc: "§5.4",
            steps: [.oneWrite(.continuation("nothing to continue", fin: true), .text(bytes: message("after 5.11")))], expect: .fails(1002)),
        ConformanceCase(
            "5.12", "a continuation (not fin) with no message to continue, then a message", rfc: "§5.4",
            steps: .frames(.continuation("nothing to continue", fin: false), .text(bytes: message("after 5.12"))), expect: .fails(1002)),
        ConformanceCase(
            "5.15", "a whole fragmented message, then a continuation with nothing to continue", rfc: "§5.4",
            steps: (halves("frag 5.15") + [.continuation("stray", fin: false), .text(bytes: message("after 5.15"))]).map { ConformanceStep.frame($0) },
            expect: .fails(1002)),
        ConformanceCase(
            "5.16", "a new text message inside a fragmented one", rfc: "§5.4",
            steps: .frames(.text(#"{"type":"message","#, fin: false), .text(bytes: message("inside"))), expect: .fails(1002)),
        ConformanceCase(
            "5.17", "a new message (fragment) inside a fragmented binary one", rfc: "§5.4",
            steps: .frames(.binary([1, 2], fin: false), .text(#"{"type":"#, fin: false)), expect: .fails(1002)),
        fiveFragments("5.19", piece: nil),
        fiveFragments("5.20", piece: 1),
        ConformanceCase(
            "5.21", "empty fragments before the one with the message", rfc: "§5.4",
            steps: .frames(.text("", fin: false), .continuation("", fin: false), .continuation(bytes: message("frag 5.21"), fin: true)),
            expect: .answers([.message("frag 5.21")])),
        ConformanceCase(
            "5.22", "a message whose last fragment is empty", rfc: "§5.4",
            steps: .frames(.text(bytes: message("frag 5.22"), fin: false), .continuation("", fin: true)), expect: .answers([.message("frag 5.22")])),
        ConformanceCase(
            "5.23", "a binary message in three fragments", rfc: "§5.4",
            steps: ConformancePayload.fragments(ConformancePayload.bytes(300), cutAt: [100, 200], opcode: RawFrame.Opcode.binary).map { ConformanceStep.frame($0) },
            expect: .answers([.applicationError])),
    ]

    /// `fragments` with `control` after the first one.
    static func between(_ fragments: [RawFrame], _ control: RawFrame) -> [RawFrame] {
        [fragments[0], control] + fragments.dropFirst()
    }

    /// A message in two fragments with a ping between them (written `piece` bytes at a time).
    static func pingBetween(_ id: String, _ content: String, piece: Int?) -> ConformanceCase {
        let frames = between(halves(content), .ping("between"))
        let written = piece.map { ", \($0) byte(s) at a time" } ?? ""
        return ConformanceCase(
            id, "a ping between two fragments\(written)", rfc: "§5.4, §5.5",
            steps: frames.map { frame in piece.map { ConformanceStep.pieces(frame, $0) } ?? .frame(frame) },
            expect: .answers([.pong(Array("between".utf8)), .message(content)]))
    }

    /// A message in five fragments with pings after the first and the third.
    static func fiveFragments(_ id: String, piece: Int?) -> ConformanceCase {
        let content = "frag \(id)"
        let payload = message(content)
        let cuts = (1...4).map { $0 * payload.count / 5 }
        let parts = ConformancePayload.fragments(payload, cutAt: cuts)
        let frames: [RawFrame] = [parts[0], .ping("one"), parts[1], parts[2], .ping("two"), parts[3], parts[4]]
        let written = piece.map { ", \($0) byte(s) at a time" } ?? ""
        return ConformanceCase(
            id, "a message in five fragments with two pings between them\(written)", rfc: "§5.4, §5.5",
            steps: frames.map { frame in piece.map { ConformanceStep.pieces(frame, $0) } ?? .frame(frame) },
            expect: .answers([.pong(Array("one".utf8)), .pong(Array("two".utf8)), .message(content)]))
    }
}

/// Autobahn 1: text and binary messages in each length form (7-bit, 16-bit and 64-bit,
/// §5.2) up to the 64 KiB limit, in one write and in pieces; 1.3: masking (§5.1, §5.3).
enum FramingCases {
    static let max = ConformanceLimits.maxFrameBytes

    /// A chat message of exactly `length` bytes in one text frame (written `piece` bytes
    /// at a time when given): taken and, on the room socket, echoed.
    static func text(_ id: String, length: Int, piece: Int? = nil) -> ConformanceCase {
        let content = "case \(id)"
        let frame = RawFrame.text(bytes: ConformancePayload.message(content, length: length))
        let written = piece.map { ", written \($0) bytes at a time" } ?? ""
        return ConformanceCase(
            id, "a text message of \(length) bytes\(written)", rfc: "§5.2, §5.6",
            steps: [piece.map { ConformanceStep.pieces(frame, $0) } ?? .frame(frame)], expect: .answers([.message(content)]))
    }

    /// A binary message of `length` bytes: whole and well-formed, so the connection stays
    /// open; the room socket answers that chat is JSON text.
    static func binary(_ id: String, length: Int, piece: Int? = nil) -> ConformanceCase {
        let frame = RawFrame.binary(ConformancePayload.bytes(length))
        let written = piece.map { ", written \($0) bytes at a time" } ?? ""
        return ConformanceCase(
            id, "a binary message of \(length) bytes\(written)", rfc: "§5.2, §5.6",
            steps: [piece.map { ConformanceStep.pieces(frame, $0) } ?? .frame(frame)], expect: .answers([.applicationError]))
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase("1.1.1", "an empty text message", rfc: "§5.6", steps: .frames(.text("")), expect: .answers([.applicationError])),
        text("1.1.2", length: 125),
        text("1.1.3", length: 126),
        text("1.1.4", length: 127),
        text("1.1.5", length: 128),
        text("1.1.6", length: 65535),
        text("1.1.7", length: max),
        text("1.1.8", length: max, piece: 997),
        text("1.1.9", length: 256, piece: 1),
        ConformanceCase(
            "1.1.10", "three text messages in one write", rfc: "§5.2",
            steps: [.oneWrite(.text(bytes: ConformancePayload.message("one")), .text(bytes: ConformancePayload.message("two")),
                .text(bytes: ConformancePayload.message("three")))],
            expect: .answers([.message("one"), .message("two"), .message("three")])),
        binary("1.2.1", length: 0),
        binary("1.2.2", length: 125),
        binary("1.2.3", length: 126),
        binary("1.2.4", length: 127),
        binary("1.2.5", length: 128),
        binary("1.2.6", length: 65535),
        binary("1.2.7", length: max),
        binary("1.2.8", length: max, piece: 997),
        ConformanceCase(
            "1.3.1", "an unmasked text frame", rfc: "§5.1",
            steps: .frames(RawFrame.text(bytes: ConformancePayload.message("in the clear")).unmasked), expect: .fails(1002)),
        ConformanceCase("1.3.2", "an unmasked binary frame", rfc: "§5.1", steps: .frames(RawFrame.binary([1, 2, 3]).unmasked), expect: .fails(1002)),
        ConformanceCase("1.3.3", "an unmasked ping (not answered)", rfc: "§5.1", steps: .frames(RawFrame.ping("clear").unmasked), expect: .fails(1002)),
        ConformanceCase("1.3.4", "an unmasked close frame", rfc: "§5.1", steps: .frames(RawFrame.close(1000).unmasked), expect: .fails(1002)),
        ConformanceCase(
            "1.3.5", "a masked fragment, then an unmasked continuation", rfc: "§5.1",
            steps: .frames(.text(#"{"type":"message","#, fin: false), RawFrame.continuation(#""content":"x"}"#, fin: true).unmasked),
            expect: .fails(1002)),
        ConformanceCase(
            "1.3.6", "a frame masked with an all-zero key (masked all the same)", rfc: "§5.3",
            steps: .frames(RawFrame(opcode: RawFrame.Opcode.text, mask: [0, 0, 0, 0], payload: ConformancePayload.message("zero key"))),
            expect: .answers([.message("zero key")])),
    ]
}

/// Autobahn 6: UTF-8 in text messages (§5.6, §8.1). Valid text is taken however its
/// fragments cut its characters; invalid UTF-8 fails the connection with 1007. The check
/// runs on the whole message (Autobahn's "non-strict"): a message that goes wrong in an
/// early fragment fails when its last fragment arrives, not at once.
enum UTF8Cases {
    static let hello = "Hello-µ@ßöäüàá-UTF-8!!"
    static let kosme: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]  // κόσμε
    static let edited = Array("edited".utf8)
    /// Characters at the edges of each UTF-8 length, the replacement character and noncharacters: valid.
    static let boundaries = "edges \u{80} \u{7FF} \u{800} \u{FFFD} \u{FFFF} \u{10000} \u{10FFFF} \u{E000}"

    /// A message with `content` as it is, one text frame per byte when `bytewise`.
    static func valid(_ id: String, _ title: String, _ content: String, bytewise: Bool = false) -> ConformanceCase {
        let payload = ConformancePayload.message(content)
        let frames = bytewise ? ConformancePayload.fragments(payload, every: 1) : [RawFrame.text(bytes: payload)]
        return ConformanceCase(id, title, rfc: "§5.6", steps: frames.map { ConformanceStep.frame($0) }, expect: .answers([.message(content)]))
    }

    /// A message whose content holds `bytes`, which are not UTF-8.
    static func invalid(_ id: String, _ title: String, _ bytes: [UInt8], bytewise: Bool = false) -> ConformanceCase {
        let payload = ConformancePayload.message(bytes: bytes)
        let frames = bytewise ? ConformancePayload.fragments(payload, every: 1) : [RawFrame.text(bytes: payload)]
        return ConformanceCase(id, title, rfc: "§5.6, §8.1", steps: frames.map { ConformanceStep.frame($0) }, expect: .fails(1007))
    }

    static let cases: [ConformanceCase] = [
        valid("6.2.1", "valid UTF-8 with 2-byte characters", hello),
        ConformanceCase(
            "6.2.2", "valid UTF-8 in two fragments cut between characters", rfc: "§5.6",
            steps: ConformancePayload.fragments(
                ConformancePayload.message(hello), cutAt: [Array(#"{"type":"message","content":"Hello-µ@ßö"#.utf8).count]
            ).map { ConformanceStep.frame($0) },
            expect: .answers([.message(hello)])),
        valid("6.2.3", "valid UTF-8, one byte per fragment (characters cut across fragments)", hello, bytewise: true),
        valid("6.2.4", "Greek, one byte per fragment", "κόσμε", bytewise: true),
        valid("6.2.5", "4-byte characters, one byte per fragment", "𝄞 and 😀", bytewise: true),
        valid("6.6.1", "the first and last character of each UTF-8 length, U+FFFD and noncharacters", boundaries),
        valid("6.6.2", "the same, one byte per fragment", boundaries, bytewise: true),
        invalid("6.3.1", "a surrogate (U+D800) inside Greek text", kosme + [0xED, 0xA0, 0x80] + edited),
        invalid("6.3.2", "the same, one byte per fragment (fails when the message is whole)", kosme + [0xED, 0xA0, 0x80] + edited, bytewise: true),
        ConformanceCase(
            "6.4.1", "a code point over U+10FFFF in the middle of three fragments (fails when the message is whole)", rfc: "§5.6, §8.1",
            steps: .frames(
                .text(bytes: Array(#"{"type":"message","content":""#.utf8) + kosme, fin: false), .continuation(bytes: [0xF4, 0x90, 0x80, 0x80], fin: false),
                .continuation(bytes: edited + Array(#""}"#.utf8), fin: true)),
            expect: .fails(1007)),
        invalid("6.4.2", "a message whose text ends in a truncated character", Array("twenty ".utf8) + [0xE2, 0x82]),
        ConformanceCase(
            "6.4.3", "a 4-byte character begun in one fragment and not finished in the next", rfc: "§5.6, §8.1",
            steps: .frames(
                .text(bytes: Array(#"{"type":"message","content":"clef "#.utf8) + [0xF0, 0x9F], fin: false),
                .continuation(bytes: Array(#"xx"}"#.utf8), fin: true)),
            expect: .fails(1007)),
        invalid("6.8.1", "a lone continuation byte", Array("lone ".utf8) + [0x80]),
        invalid("6.8.2", "continuation bytes without a start", [0x80, 0xBF, 0x80, 0xBF]),
        invalid("6.9.1", "an overlong 2-byte \"/\"", [0xC0, 0xAF]),
        invalid("6.9.2", "an overlong 3-byte \"/\"", [0xE0, 0x80, 0xAF]),
        invalid("6.9.3", "an overlong 4-byte \"/\"", [0xF0, 0x80, 0x80, 0xAF]),
        invalid("6.9.4", "an overlong NUL", [0xC0, 0x80]),
        invalid("6.10.1", "a high surrogate (U+D800)", [0xED, 0xA0, 0x80]),
        invalid("6.10.2", "a low surrogate (U+DFFF)", [0xED, 0xBF, 0xBF]),
        invalid("6.10.3", "a surrogate pair encoded as two 3-byte sequences", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80]),
        invalid("6.11.1", "a code point over U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        invalid("6.12.1", "the byte 0xFE", [0xFE]),
        invalid("6.12.2", "the byte 0xFF", [0xFF]),
        invalid("6.12.3", "a 5-byte sequence", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        invalid("6.12.4", "a 6-byte sequence", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80]),
        ConformanceCase(
            "6.13.1", "bytes that are not UTF-8 in a binary message are not checked", rfc: "§5.6",
            steps: .frames(.binary(kosme + [0xED, 0xA0, 0x80, 0xFF])), expect: .answers([.applicationError])),
    ]
}

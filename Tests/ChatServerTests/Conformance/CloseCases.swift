/// Autobahn 7: the close handshake (§5.5.1, §7.1) and close codes (§7.4). A valid close
/// is answered with its code and the server ends the connection; nothing the client
/// sends after its close is taken. A close frame of one byte, a code no endpoint may send
/// or a reason that is not UTF-8 fails the connection instead (1002, 1007).
enum CloseCases {
    static let message = RawFrame.text(bytes: ConformancePayload.message("after the close"))
    static let invalidReason: [UInt8] = UTF8Cases.kosme + [0xED, 0xA0, 0x80] + UTF8Cases.edited

    /// Codes a close frame may carry: defined (1000–1003, 1007–1011), registered with IANA
    /// (1012–1014), for libraries and applications (3000–4999).
    static let validCodes: [UInt16] = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
    /// Codes it may not: unused (< 1000), reserved (1004) or never sent (1005, 1006, 1015),
    /// reserved for the protocol (1016–2999), undefined (≥ 5000).
    static let invalidCodes: [UInt16] = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]

    static let handshake: [ConformanceCase] = [
        ConformanceCase("7.1.1", "a close with 1000", rfc: "§5.5.1, §7.1.1", steps: .frames(.close(1000)), expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.1.2", "two closes in one write: the second is not answered", rfc: "§5.5.1",
            steps: [.oneWrite(.close(1000), .close(1000))], expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.1.3", "a ping after the close is not answered", rfc: "§5.5.1", steps: [.oneWrite(.close(1000), .ping("too late"))],
            expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.1.4", "a message after the close is not taken", rfc: "§5.5.1", steps: [.oneWrite(.close(1000), message)],
            expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.1.5", "a close between two fragments of a message: the message is dropped", rfc: "§5.5.1",
            steps: .frames(.text(#"{"type":"message","#, fin: false), .close(1000), .continuation(#""content":"x"}"#, fin: true)),
            expect: .closeAnswered(1000)),
        ConformanceCase("7.3.1", "a close without payload", rfc: "§5.5.1", steps: .frames(.close(nil)), expect: .closeAnswered(nil)),
        ConformanceCase("7.3.2", "a close with a 1-byte payload", rfc: "§5.5.1", steps: .frames(.close(nil, reason: [0x03])), expect: .fails(1002)),
        ConformanceCase(
            "7.3.3", "a close with 1000 and a reason", rfc: "§5.5.1", steps: .frames(.close(1000, reason: "Hello World!")), expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.3.4", "a close with a 123-byte reason, the most a close frame holds", rfc: "§5.5, §5.5.1",
            steps: .frames(.close(1000, reason: String(repeating: "*", count: 123))), expect: .closeAnswered(1000)),
        ConformanceCase(
            "7.3.5", "a close with a 124-byte reason (a 126-byte control frame)", rfc: "§5.5",
            steps: .frames(.close(1000, reason: String(repeating: "*", count: 124))), expect: .fails(1002)),
        ConformanceCase(
            "7.5.1", "a close whose reason is not UTF-8", rfc: "§5.5.1, §8.1", steps: .frames(.close(1000, reason: invalidReason)),
            expect: .fails(1007)),
        ConformanceCase(
            "7.5.2", "a close whose reason ends in a truncated character", rfc: "§5.5.1, §8.1",
            steps: .frames(.close(1000, reason: Array("bye ".utf8) + [0xE2, 0x82])), expect: .fails(1007)),
        ConformanceCase(
            "7.5.3", "a close with a valid UTF-8 reason in several languages", rfc: "§5.5.1",
            steps: .frames(.close(1001, reason: "au revoir, κόσμε, 再见 😀")), expect: .closeAnswered(1001)),
    ]

    static let codes: [ConformanceCase] =
        validCodes.enumerated().map { index, code in
            ConformanceCase("7.7.\(index + 1)", "a close with code \(code)", rfc: "§7.4.1, §7.4.2", steps: .frames(.close(code)), expect: .closeAnswered(code))
        }
        + invalidCodes.enumerated().map { index, code in
            ConformanceCase("7.9.\(index + 1)", "a close with code \(code), which no endpoint may send", rfc: "§7.4.1, §7.4.2",
                steps: .frames(.close(code)), expect: .fails(1002))
        }

    static let cases = handshake + codes
}

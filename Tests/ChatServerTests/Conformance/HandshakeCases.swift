/// The opening handshake (§4.2) and extensions. chatctl negotiates no extension and no
/// subprotocol: an offer of permessage-deflate (RFC 7692, which browsers make) is
/// declined by leaving `Sec-WebSocket-Extensions` out of the 101 (RFC 7692 §5), the
/// socket then speaks uncompressed frames, and a compressed frame (RSV1) fails it.
enum HandshakeCases {
    /// Chrome's and Firefox's offer.
    static let browserOffer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"
    static let fullOffer =
        "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10, x-webkit-deflate-frame"
    /// `{"type":"message","content":"compressed"}` as permessage-deflate sends it (raw
    /// deflate, sync flush, the trailing 00 00 FF FF removed: RFC 7692 §7.2.1).
    static let deflated: [UInt8] = [
        0xAA, 0x56, 0x2A, 0xA9, 0x2C, 0x48, 0x55, 0xB2, 0x52, 0xCA, 0x4D, 0x2D, 0x2E, 0x4E, 0x4C, 0x4F, 0x55, 0xD2, 0x51, 0x4A, 0xCE,
        0xCF, 0x2B, 0x49, 0xCD, 0x2B, 0x01, 0x8A, 0x25, 0xE7, 0xE7, 0x16, 0x14, 0x01, 0xC5, 0x53, 0x53, 0x94, 0x6A, 0x01, 0x00,
    ]

    static func works(_ content: String) -> [ConformanceStep] {
        .frames(.text(bytes: ConformancePayload.message(content)), .ping("uncompressed"))
    }

    static let cases: [ConformanceCase] = [
        ConformanceCase(
            "12.1.1", "a browser's permessage-deflate offer is declined; the socket works uncompressed", rfc: "RFC 7692 §5, §4.2.2",
            requestHeaders: [browserOffer], absentResponseFields: ["sec-websocket-extensions"], steps: works("declined"),
            expect: .answers([.message("declined"), .pong(Array("uncompressed".utf8))])),
        ConformanceCase(
            "12.1.2", "an offer with every permessage-deflate parameter, and another extension, is declined", rfc: "RFC 7692 §5, §4.2.2",
            requestHeaders: [fullOffer], absentResponseFields: ["sec-websocket-extensions"], steps: works("declined too"),
            expect: .answers([.message("declined too"), .pong(Array("uncompressed".utf8))])),
        ConformanceCase(
            "12.1.3", "a compressed message (RSV1) after a declined offer", rfc: "RFC 7692 §6, §5.2",
            requestHeaders: [browserOffer], absentResponseFields: ["sec-websocket-extensions"],
            steps: .frames(RawFrame.text(bytes: deflated).withRSV(4)), expect: .fails(1002)),
        ConformanceCase(
            "12.1.4", "a compressed message (RSV1) without any offer", rfc: "§5.2",
            steps: .frames(RawFrame.text(bytes: deflated).withRSV(4)), expect: .fails(1002)),
        ConformanceCase(
            "12.1.5", "a compressed fragmented message: RSV1 on its first fragment", rfc: "RFC 7692 §6.1, §5.2",
            requestHeaders: [browserOffer],
            steps: .frames(RawFrame.text(bytes: Array(deflated.prefix(20)), fin: false).withRSV(4), .continuation(bytes: Array(deflated.dropFirst(20)), fin: true)),
            expect: .fails(1002)),
        ConformanceCase(
            "12.2.1", "an offered subprotocol is not selected: the 101 names none", rfc: "§4.2.2 (/subprotocol/)",
            requestHeaders: ["Sec-WebSocket-Protocol: chat, superchat"], absentResponseFields: ["sec-websocket-protocol"], steps: works("no subprotocol"),
            expect: .answers([.message("no subprotocol"), .pong(Array("uncompressed".utf8))])),
        ConformanceCase(
            "12.3.1", "another Sec-WebSocket-Version (8)", rfc: "§4.2.2, §4.4", version: "8", steps: [],
            expect: .refused(status: 426, field: "Sec-WebSocket-Version: 13")),
        ConformanceCase(
            "12.3.2", "no Sec-WebSocket-Version", rfc: "§4.2.1, §4.2.2", version: nil, steps: [],
            expect: .refused(status: 426, field: "Sec-WebSocket-Version: 13")),
        ConformanceCase("12.3.3", "no Sec-WebSocket-Key", rfc: "§4.2.1, §4.2.2", key: nil, steps: [], expect: .refused(status: 400, field: nil)),
        ConformanceCase(
            "12.3.4", "a Sec-WebSocket-Key that is not 16 bytes base64-encoded", rfc: "§4.1, §4.2.1", key: "c2hvcnQ=", steps: [],
            expect: .refused(status: 400, field: nil)),
    ]
}

/// Autobahn 9 (limits), against `websocket.max_frame_bytes` (64 KiB here): a frame or a
/// reassembled message over it fails with 1009 (§7.4.1). A frame is refused on its
/// header alone (the runner sends no payload), so nothing big ever crosses the wire.
enum LimitCases {
    static let max = ConformanceLimits.maxFrameBytes

    static let cases: [ConformanceCase] = [
        ConformanceCase(
            "9.1.1", "a text frame announcing one byte over the limit", rfc: "§7.4.1 (1009)",
            steps: [.header(RawFrame.text("").announcing(UInt64(max) + 1))], expect: .fails(1009)),
        ConformanceCase(
            "9.1.2", "a binary frame announcing one byte over the limit", rfc: "§7.4.1 (1009)",
            steps: [.header(RawFrame.binary([]).announcing(UInt64(max) + 1))], expect: .fails(1009)),
        ConformanceCase(
            "9.1.3", "a frame announcing 2^63 − 1 bytes", rfc: "§5.2, §7.4.1 (1009)",
            steps: [.header(RawFrame.binary([]).announcing(UInt64(Int64.max)))], expect: .fails(1009)),
        ConformanceCase(
            "9.1.4", "a 64-bit length with its most significant bit set (§5.2: it MUST be 0; no code named, 1009 sent)",
            rfc: "§5.2", steps: [.header(RawFrame.binary([]).announcing(UInt64.max))], expect: .fails(1009)),
        ConformanceCase(
            "9.2.1", "a message in two fragments of 40 KiB", rfc: "§7.4.1 (1009)",
            steps: .frames(.text(String(repeating: "a", count: 40 * 1024), fin: false), .continuation(String(repeating: "a", count: 40 * 1024), fin: true)),
            expect: .fails(1009)),
        ConformanceCase(
            "9.2.2", "a message in 65 fragments of 1 KiB", rfc: "§7.4.1 (1009)",
            steps: ConformancePayload.fragments(ConformancePayload.bytes(65 * 1024), every: 1024).map { ConformanceStep.frame($0) },
            expect: .fails(1009)),
        ConformanceCase(
            "9.2.3", "a message of exactly the limit in 64 fragments of 1 KiB", rfc: "§5.4",
            steps: ConformancePayload.fragments(ConformancePayload.message("limit in fragments", length: max), every: 1024).map { ConformanceStep.frame($0) },
            expect: .answers([.message("limit in fragments")])),
    ]
}

import ChatClient
import Testing

@Suite("bench logic")
struct BenchLogicTests {
    @Test("a marker survives the round trip, padded to the payload; markers are found wrapped in JSON, several per frame, other runs ignored")
    func markers() {
        let marker = BenchMarker(sender: 12, sequence: 3456, sentNanos: 987_654_321_012)
        let content = BenchMarker.content(nonce: "n1", marker: marker, payload: 64)
        #expect(content.utf8.count == 64 && content.hasPrefix("cb:n1:12:3456:987654321012:") && content.hasSuffix("xxx"))
        #expect(BenchMarker.content(nonce: "n1", marker: marker, payload: 4).utf8.count > 4)  // never cut
        #expect(BenchMarker.markers(in: #"{"type":"message","content":"\#(content)","sender":"x"}"#, nonce: "n1") == [marker])
        let second = BenchMarker(sender: 0, sequence: 1, sentNanos: 5)
        let frame = "[\"" + content + "\",\"" + BenchMarker.content(nonce: "n1", marker: second, payload: 0) + "\"]"
        #expect(BenchMarker.markers(in: frame, nonce: "n1") == [marker, second])
        #expect(BenchMarker.markers(in: frame, nonce: "n2").isEmpty)
        // Truncated or malformed markers are skipped, the rest still counted.
        #expect(BenchMarker.markers(in: "cb:n1:1:2: cb:n1:a:1:1: cb:n1:7:8:9:", nonce: "n1") == [BenchMarker(sender: 7, sequence: 8, sentNanos: 9)])
        #expect(BenchMarker.markers(in: "", nonce: "n1").isEmpty)
    }

    @Test("percentiles: nearest rank, exact for small values, within 0.4 % for large ones, never above the max")
    func percentiles() {
        var histogram = LatencyHistogram()
        #expect(histogram.percentile(99) == 0)
        for value in 1...100 { histogram.record(UInt64(value)) }
        #expect(histogram.percentile(50) == 50)
        #expect(histogram.percentile(99) == 99)
        #expect(histogram.percentile(100) == 100)
        #expect(histogram.count == 100 && histogram.max == 100 && histogram.mean == 50.5)

        var large = LatencyHistogram()
        let values: [UInt64] = (1...10_000).map { UInt64($0) * 1_000 }  // 1 µs … 10 ms
        for value in values.shuffled() { large.record(value) }
        for percent in [50.0, 90, 99, 99.9] {
            let exact = Double(values[Int((percent / 100 * Double(values.count)).rounded(.up)) - 1])
            let measured = Double(large.percentile(percent))
            #expect(abs(measured - exact) / exact < 0.004, "p\(percent): \(measured) vs \(exact)")
        }
        #expect(large.percentile(100) == 10_000_000)

        var merged = LatencyHistogram()
        merged.merge(histogram)
        merged.merge(large)
        #expect(merged.count == 10_100 && merged.max == 10_000_000 && merged.min == 1)
    }

    @Test("the ledger counts each (receiver, sender, sequence) once, duplicates and reorders apart, latency from the send time")
    func ledger() {
        var ledger = DeliveryLedger(receivers: 3)
        let first = BenchMarker(sender: 0, sequence: 1, sentNanos: 1_000)
        let second = BenchMarker(sender: 0, sequence: 2, sentNanos: 2_000)
        for receiver in 0..<3 { ledger.record(first, receiver: receiver, nowNanos: 1_500) }
        ledger.record(second, receiver: 0, nowNanos: 3_000)
        ledger.record(second, receiver: 0, nowNanos: 3_100)  // duplicate
        ledger.record(first, receiver: 0, nowNanos: 3_200)  // late: reordered
        ledger.record(BenchMarker(sender: 1, sequence: 1, sentNanos: 100), receiver: 0, nowNanos: 50)  // clock before send: 0
        #expect(ledger.delivered == 5)
        #expect(ledger.duplicateOrReordered == 2)
        #expect(ledger.latency.max == 1_000 && ledger.latency.min == 0)
        #expect(ledger.lastDeliveryNanos == 3_000)
    }
}

import ChatCore
import Foundation
import Testing

@Suite("timestamps")
struct TimestampTests {
    @Test("whole milliseconds survive Date round trips and RFC 3339 text")
    func millisecondRoundTrip() {
        for ms in stride(from: Int64(1_764_000_000_000), to: 1_764_000_000_000 + 5_000, by: 1) {
            let date = Date(millisecondsSince1970: ms)
            #expect(date.millisecondsSince1970 == ms)
            #expect(date.truncatedToMilliseconds.millisecondsSince1970 == ms)
            #expect(RFC3339.date(from: RFC3339.string(from: date))?.millisecondsSince1970 == ms)
        }
    }

    @Test("RFC 3339 text is UTC with milliseconds; Go's nanoseconds and offsets parse")
    func rfc3339() throws {
        #expect(RFC3339.string(from: Date(millisecondsSince1970: 1_718_723_045_123)) == "2024-06-18T15:04:05.123Z")
        #expect(RFC3339.date(from: "2024-06-18T15:04:05Z")?.millisecondsSince1970 == 1_718_723_045_000)
        #expect(RFC3339.date(from: "2024-06-18T17:04:05.123456789+02:00")?.millisecondsSince1970 == 1_718_723_045_123)
        #expect(RFC3339.date(from: "yesterday") == nil)
    }
}

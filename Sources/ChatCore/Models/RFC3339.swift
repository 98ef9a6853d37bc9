import Foundation

/// RFC 3339 timestamps as the Go services write them (`time.Time` in JSON), in UTC
/// with milliseconds (`2026-11-29T04:24:58.123Z`), made without Foundation formatters
/// because frames carry one per message.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        let ms = date.millisecondsSince1970
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int32(ms - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }

    /// Parses RFC 3339 with or without fractional seconds (Go writes up to nanoseconds)
    /// and with `Z` or a numeric offset; nil for anything else.
    public static func date(from text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        // Go's RFC3339Nano may carry more than 3 fractional digits: keep milliseconds.
        guard let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) else { return nil }
        let fraction = text[text.index(after: dot)..<end]
        let trimmed = text[..<dot] + "." + fraction.prefix(3) + text[end...]
        return try? Date(String(trimmed), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

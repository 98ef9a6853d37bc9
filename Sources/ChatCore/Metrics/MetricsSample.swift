import Foundation

/// One reading of a process's metrics as the Prometheus text format exposes them
/// (`GET /metrics`): every sample line by its name and labels, and the `# TYPE` of each
/// metric. What `chatctl top` and the operator API's `GET /admin/metrics` read figures
/// from, so they take the exposition as it is, not the registry's internals.
public struct MetricsSample: Sendable, Equatable {
    /// One time series: a sample's name (with its `_bucket`, `_sum` or `_count` suffix
    /// for a histogram) and its labels.
    public struct Series: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]

        public init(name: String, labels: [String: String] = [:]) {
            self.name = name
            self.labels = labels
        }

        /// Whether every one of `wanted` is among the series' labels, with that value.
        public func has(_ wanted: [String: String]) -> Bool {
            wanted.allSatisfy { labels[$0.key] == $0.value }
        }
    }

    /// A line that is not a comment, a blank or a sample (`name{labels} value [timestamp]`).
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The line's number, from 1.
        public var line: Int
        public var reason: String

        public var description: String { "metrics text line \(line): \(reason)" }
    }

    /// Each series' value; the last line wins when a series is exposed twice.
    public var values: [Series: Double]
    /// `# TYPE` of each metric (`counter`, `gauge`, `histogram`, `summary`, `untyped`).
    public var types: [String: String]

    public init(values: [Series: Double] = [:], types: [String: String] = [:]) {
        self.values = values
        self.types = types
    }

    /// Parses the Prometheus text exposition format (version 0.0.4): `# TYPE` lines are
    /// kept, other comments and blank lines skipped, every other line must be a sample.
    /// Label values may hold `\\`, `\"` and `\n` escapes; values may be `+Inf`, `-Inf`,
    /// `NaN`; a trailing timestamp is ignored.
    public init(prometheusText text: String) throws(ParseError) {
        var values: [Series: Double] = [:]
        var types: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8).trimmingSpaces()
            if bytes.isEmpty { continue }
            if bytes[0] == UInt8(ascii: "#") {
                let words = String(decoding: bytes, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
                if words.count >= 4, words[1] == "TYPE" { types[String(words[2])] = String(words[3]) }
                continue
            }
            do throws(LineError) {
                var reader = LineReader(bytes: bytes)
                let (series, value) = try reader.sample()
                values[series] = value
            } catch {
                throw ParseError(line: index + 1, reason: error.reason)
            }
        }
        self.init(values: values, types: types)
    }

    /// The sum of the series named `name` that carry every one of `labels`; nil when
    /// none does (the metric is not exposed).
    public func sum(_ name: String, labels: [String: String] = [:]) -> Double? {
        sum(name) { $0.has(labels) }
    }

    /// The sum of the series named `name` that `include` keeps; nil when none is kept.
    public func sum(_ name: String, where include: (Series) -> Bool) -> Double? {
        var total: Double?
        for (series, value) in values where series.name == name && include(series) {
            total = (total ?? 0) + value
        }
        return total
    }

    /// The histogram `name` (its `_bucket`, `_count` and `_sum` series) summed over the
    /// label sets that carry every one of `labels` — series of one metric share their
    /// buckets —; nil when no bucket series matches.
    public func histogram(_ name: String, labels: [String: String] = [:]) -> HistogramCounts? {
        var byBound: [Double: Double] = [:]
        for (series, value) in values where series.name == name + "_bucket" && series.has(labels) {
            guard let text = series.labels["le"], let bound = Self.number(text), !bound.isNaN else { continue }
            byBound[bound, default: 0] += value
        }
        guard !byBound.isEmpty else { return nil }
        let finite = byBound.keys.filter(\.isFinite).sorted()
        let count = sum(name + "_count", labels: labels) ?? byBound[.infinity] ?? finite.last.flatMap { byBound[$0] } ?? 0
        return HistogramCounts(
            bounds: finite, cumulative: finite.map { byBound[$0] ?? 0 }, count: count, sum: sum(name + "_sum", labels: labels) ?? 0)
    }

    /// A sample value or an `le` bound: a number, `+Inf`, `-Inf` or `NaN`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return Double.infinity
        case "-Inf": return -Double.infinity
        case "NaN": return Double.nan
        default: return Double(text)
        }
    }
}

/// Why one sample line does not parse.
private struct LineError: Error {
    let reason: String
}

/// Reads one sample line, byte by byte.
private struct LineReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `name{labels} value [timestamp]`.
    mutating func sample() throws(LineError) -> (MetricsSample.Series, Double) {
        let name = word(allowed: Self.isNameByte)
        guard !name.isEmpty, !(name.first!.isNumber) else { throw LineError(reason: "a sample line starts with a metric name") }
        var labels: [String: String] = [:]
        if peek == UInt8(ascii: "{") {
            position += 1
            labels = try labelSet()
        }
        guard skipSpaces() else { throw LineError(reason: "a space and a value must follow '\(name)'") }
        let valueText = word { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard let value = MetricsSample.number(valueText) else { throw LineError(reason: "'\(valueText.prefix(40))' is not a number") }
        _ = skipSpaces()
        let timestamp = word { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard timestamp.isEmpty || Int64(timestamp) != nil else { throw LineError(reason: "'\(timestamp.prefix(40))' is not a timestamp") }
        _ = skipSpaces()
        guard position == bytes.count else { throw LineError(reason: "unexpected text after the sample") }
        return (MetricsSample.Series(name: name, labels: labels), value)
    }

    /// `key="value",…}` (the opening brace read); a trailing comma is allowed.
    private mutating func labelSet() throws(LineError) -> [String: String] {
        var labels: [String: String] = [:]
        while true {
            _ = skipSpaces()
            if peek == UInt8(ascii: "}") {
                position += 1
                return labels
            }
            let key = word(allowed: Self.isLabelNameByte)
            guard !key.isEmpty else { throw LineError(reason: "a label name is expected") }
            _ = skipSpaces()
            guard peek == UInt8(ascii: "=") else { throw LineError(reason: "'=' must follow the label name '\(key)'") }
            position += 1
            _ = skipSpaces()
            guard peek == UInt8(ascii: "\"") else { throw LineError(reason: "the value of label '\(key)' must be quoted") }
            position += 1
            labels[key] = try quoted()
            _ = skipSpaces()
            if peek == UInt8(ascii: ",") {
                position += 1
            } else if peek != UInt8(ascii: "}") {
                throw LineError(reason: "',' or '}' must follow the value of label '\(key)'")
            }
        }
    }

    /// A label value up to its closing quote (the opening one read), unescaped.
    private mutating func quoted() throws(LineError) -> String {
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw LineError(reason: "a label value ends in a lone backslash") }
                let escaped = bytes[position]
                position += 1
                value.append(escaped == UInt8(ascii: "n") ? UInt8(ascii: "\n") : escaped)
            default:
                value.append(byte)
            }
        }
        throw LineError(reason: "a label value is not closed")
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Skips spaces and tabs; whether there was any.
    private mutating func skipSpaces() -> Bool {
        let start = position
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
        return position > start
    }

    /// The longest run of bytes from here that `allowed` accepts.
    private mutating func word(allowed: (UInt8) -> Bool) -> String {
        let start = position
        while let byte = peek, allowed(byte) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLabelNameByte(byte) || byte == UInt8(ascii: ":")
    }

    private static func isLabelNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}

extension [UInt8] {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingSpaces() -> [UInt8] {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return [] }
        return Array(self[first...last])
    }
}

import Foundation
import Logging

/// A swift-log handler writing one line per event (logfmt or JSON) to a file
/// descriptor, stderr by default, through a `LineSink` (which never blocks the caller).
/// Metadata whose key names a secret (password, secret, token, authorization, cookie)
/// is written as `[redacted]`, whatever the caller passed: a log line never carries a
/// credential. Its level is the process's (`ProcessLogLevel`, which a configuration
/// reload changes) unless its logger was given one of its own.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level {
        get { ownLevel ?? ProcessLogLevel.shared.level }
        set { ownLevel = newValue }
    }
    /// A level set on this handler's logger; nil: the process's.
    private var ownLevel: Logger.Level?
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    let label: String
    let format: LogFormat
    let sink: LineSink

    public init(label: String, format: LogFormat, sink: LineSink = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = Self.format(
            format, timestamp: Date(), level: event.level, label: label, message: event.message.description, metadata: merged)
        sink.write(line, format: format)
    }

    /// One line (with its newline) for an event.
    static func format(
        _ format: LogFormat, timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        let fields = metadata.keys.sorted().map { key in (key, Self.isSecret(key) ? "[redacted]" : Self.flatten(metadata[key]!)) }
        let time = timestamp.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        switch format {
        case .logfmt:
            var line = "ts=\(time) level=\(level.rawValue) label=\(Self.logfmtValue(label)) msg=\(Self.logfmtValue(message))"
            for (key, value) in fields { line += " \(Self.logfmtKey(key))=\(Self.logfmtValue(value))" }
            return line + "\n"
        case .json:
            var line = "{\"ts\":\(Self.jsonString(time)),\"level\":\(Self.jsonString(level.rawValue)),\"label\":\(Self.jsonString(label)),\"msg\":\(Self.jsonString(message))"
            for (key, value) in fields where !["ts", "level", "label", "msg"].contains(key) {
                line += ",\(Self.jsonString(key)):\(Self.jsonString(value))"
            }
            return line + "}\n"
        }
    }

    static let secretWords = ["password", "secret", "token", "authorization", "cookie"]

    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary): "{" + dictionary.keys.sorted().map { "\($0):\(flatten(dictionary[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// logfmt keys: no spaces, quotes or equals signs.
    static func logfmtKey(_ key: String) -> String {
        String(key.map { $0 == " " || $0 == "=" || $0 == "\"" ? "_" : $0 })
    }

    /// logfmt values: bare when safe, else quoted with \" \\ \n escaped.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.isNewline || $0 == "\t" }
        guard needsQuotes else { return value }
        var escaped = "\""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }

    static func jsonString(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}

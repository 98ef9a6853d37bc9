import Foundation

/// How `chatctl rooms export` writes its lines: JSON Lines (what `rooms import` reads) or
/// CSV (RFC 4180: a header row, CRLF after each record, a field quoted when it holds a
/// comma, a quote, CR or LF, quotes doubled).
public enum RoomExportFormat: String, Sendable, CaseIterable {
    case jsonl
    case csv

    /// The CSV header row's columns, in order.
    public static let csvColumns = ["id", "seq", "room", "sender_id", "sender", "content", "timestamp", "redacted"]

    /// What comes before the first line: the CSV header row; nothing for JSON Lines.
    public var header: Data {
        switch self {
        case .jsonl: Data()
        case .csv: Data((Self.csvColumns.joined(separator: ",") + "\r\n").utf8)
        }
    }
}

/// Writes `RoomExportLine`s in one `RoomExportFormat`, each with its line end.
public struct RoomExportEncoder {
    public let format: RoomExportFormat
    private let json: JSONEncoder

    public init(format: RoomExportFormat) {
        self.format = format
        json = JSONEncoder()
        json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public func encode(_ line: RoomExportLine) throws -> Data {
        switch format {
        case .jsonl:
            var data = try json.encode(line)
            data.append(UInt8(ascii: "\n"))
            return data
        case .csv:
            let fields = [
                line.id.hex, line.seq.map(String.init) ?? "", line.room, line.senderID.hex, line.sender, line.content,
                RFC3339.string(from: line.timestamp), line.redacted ? "true" : "false",
            ]
            return Data((fields.map(Self.csvField).joined(separator: ",") + "\r\n").utf8)
        }
    }

    /// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a
    /// quote, CR or LF; as it is otherwise.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

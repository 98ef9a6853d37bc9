import Foundation

/// One JSON object written a piece at a time (its fields, arrays of them element by
/// element), so a document of any size is never whole in memory: the caller takes what
/// is pending (`take()`) and writes it out as it goes. Elements are encoded with keys
/// sorted and slashes left alone.
struct StreamedJSON {
    /// Written, not yet taken.
    private(set) var pending = Data()
    private let encoder: JSONEncoder
    private var fields = 0
    private var elements = 0

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        pending.append(UInt8(ascii: "{"))
    }

    /// `"key":value` (`null` for nil).
    mutating func field(_ key: String, _ value: (some Encodable)?) throws {
        try name(key)
        if let value { pending.append(try encoder.encode(value)) } else { pending.append(contentsOf: "null".utf8) }
    }

    /// `"key":"text"`.
    mutating func field(_ key: String, text: String) throws {
        try name(key)
        pending.append(try encoder.encode([text]).dropFirst().dropLast())
    }

    /// `"key":[`, then `element(_:)` for each, then `endArray()`.
    mutating func beginArray(_ key: String) throws {
        try name(key)
        pending.append(UInt8(ascii: "["))
        elements = 0
    }

    mutating func element(_ value: some Encodable) throws {
        if elements > 0 { pending.append(UInt8(ascii: ",")) }
        pending.append(try encoder.encode(value))
        elements += 1
    }

    mutating func endArray() {
        pending.append(UInt8(ascii: "]"))
    }

    /// The closing brace.
    mutating func end() {
        pending.append(UInt8(ascii: "}"))
    }

    /// What was written since the last call.
    mutating func take() -> Data {
        defer { pending = Data() }
        return pending
    }

    private mutating func name(_ key: String) throws {
        if fields > 0 { pending.append(UInt8(ascii: ",")) }
        pending.append(try encoder.encode([key]).dropFirst().dropLast())
        pending.append(UInt8(ascii: ":"))
        fields += 1
    }
}

/// An ordered BSON document with typed access.
///
/// Documents are Swift values; they become libbson `bson_t`s only at the libmongoc
/// boundary (`withCDocument`), built from and read back as BSON bytes
/// (`BSONWriter`/`BSONReader`), so no libbson iterator (128-byte aligned, opaque to
/// Swift) is needed and a field read is a Swift array lookup.
public struct BSONDocument: Sendable, Hashable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// Fields in order. Keys may repeat only if built that way on purpose.
    public private(set) var fields: [(key: String, value: BSONValue)]

    public init() { fields = [] }

    public init(_ fields: [(key: String, value: BSONValue)]) { self.fields = fields }

    /// Literal order is kept: `["b": 1, "a": 2]` stays b, a (order matters to MongoDB
    /// for sort and index keys).
    public init(dictionaryLiteral elements: (String, BSONValue)...) {
        fields = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The value of the first field named `key`; setting replaces it or appends.
    public subscript(key: String) -> BSONValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let index = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append((key: key, value: newValue))
            }
        }
    }

    public var keys: [String] { fields.map(\.key) }
    public var isEmpty: Bool { fields.isEmpty }

    public mutating func append(_ key: String, _ value: BSONValue) { fields.append((key: key, value: value)) }

    // MARK: Typed access: nil when absent or of another type.

    public func string(_ key: String) -> String? { if case .string(let v) = self[key] { v } else { nil } }
    public func bool(_ key: String) -> Bool? { if case .bool(let v) = self[key] { v } else { nil } }
    public func double(_ key: String) -> Double? { if case .double(let v) = self[key] { v } else { nil } }
    public func int32(_ key: String) -> Int32? { if case .int32(let v) = self[key] { v } else { nil } }
    public func int64(_ key: String) -> Int64? { if case .int64(let v) = self[key] { v } else { nil } }
    /// Any integer representation (int32, int64, integral double).
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func objectID(_ key: String) -> BSONObjectID? { if case .objectID(let v) = self[key] { v } else { nil } }
    /// A BSON UTC datetime in milliseconds since the Unix epoch.
    public func dateMilliseconds(_ key: String) -> Int64? { if case .date(let v) = self[key] { v } else { nil } }
    public func document(_ key: String) -> BSONDocument? { if case .document(let v) = self[key] { v } else { nil } }
    public func array(_ key: String) -> [BSONValue]? { if case .array(let v) = self[key] { v } else { nil } }

    public static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.key)
            hasher.combine(field.value)
        }
    }

    public var description: String {
        "{" + fields.map { "\"\($0.key)\": \(Self.describe($0.value))" }.joined(separator: ", ") + "}"
    }

    static func describe(_ value: BSONValue) -> String {
        switch value {
        case .double(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .document(let v): v.description
        case .array(let v): "[" + v.map(describe).joined(separator: ", ") + "]"
        case .binary(let subtype, let bytes): "Binary(\(subtype), \(bytes.count) bytes)"
        case .objectID(let v): "ObjectId(\"\(v)\")"
        case .bool(let v): "\(v)"
        case .date(let v): "Date(\(v))"
        case .null: "null"
        case .regularExpression(let p, let o): "/\(p)/\(o)"
        case .int32(let v): "\(v)"
        case .timestamp(let v): "Timestamp(\(v >> 32), \(v & 0xFFFF_FFFF))"
        case .int64(let v): "NumberLong(\(v))"
        case .decimal128: "NumberDecimal(…)"
        case .minKey: "MinKey"
        case .maxKey: "MaxKey"
        }
    }
}

/// One BSON value (the types this project reads and writes; others are refused by name).
public enum BSONValue: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSONValue])
    case binary(subtype: UInt8, bytes: [UInt8])
    case objectID(BSONObjectID)
    case bool(Bool)
    /// Milliseconds since the Unix epoch (a BSON UTC datetime).
    case date(Int64)
    case null
    case regularExpression(pattern: String, options: String)
    case int32(Int32)
    /// A BSON internal timestamp (seconds << 32 | increment).
    case timestamp(UInt64)
    case int64(Int64)
    /// The 16 raw bytes of a Decimal128, kept as they are.
    case decimal128([UInt8])
    case minKey
    case maxKey

    /// The BSON type byte.
    var typeByte: UInt8 {
        switch self {
        case .double: 0x01
        case .string: 0x02
        case .document: 0x03
        case .array: 0x04
        case .binary: 0x05
        case .objectID: 0x07
        case .bool: 0x08
        case .date: 0x09
        case .null: 0x0A
        case .regularExpression: 0x0B
        case .int32: 0x10
        case .timestamp: 0x11
        case .int64: 0x12
        case .decimal128: 0x13
        case .minKey: 0xFF
        case .maxKey: 0x7F
        }
    }

    /// Any integer type (int32, int64, or a double holding an integer) as Int.
    public var intValue: Int? {
        switch self {
        case .int32(let value): Int(value)
        case .int64(let value): Int(value)
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: Int(value)
        default: nil
        }
    }
}

extension BSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals are int32 when they fit (as drivers write them), else int64.
    public init(integerLiteral value: Int) { self = Int32(exactly: value).map { .int32($0) } ?? .int64(Int64(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension BSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    /// A nested document literal: `["$addToSet": ["members": id]]`.
    public init(dictionaryLiteral elements: (String, BSONValue)...) {
        self = .document(BSONDocument(elements.map { (key: $0.0, value: $0.1) }))
    }

    public init(arrayLiteral elements: BSONValue...) { self = .array(elements) }
}

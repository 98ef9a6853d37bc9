/// One Redis reply (RESP2, as hiredis 0.14 reads it).
public enum RedisValue: Sendable, Hashable {
    /// A bulk string: arbitrary bytes.
    case bulk([UInt8])
    /// A simple status such as `OK`.
    case status(String)
    case integer(Int64)
    case array([RedisValue])
    case null
    /// An error reply (`-ERR …`), returned as a value inside pipelines.
    case error(String)

    /// The value as UTF-8 text (bulk or status), if it is one.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var int: Int64? { if case .integer(let value) = self { value } else { nil } }

    public var isNull: Bool { self == .null }

    public var array: [RedisValue]? { if case .array(let values) = self { values } else { nil } }
}

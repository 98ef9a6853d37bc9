import Foundation

/// Reads BSON bytes (bsonspec.org 1.1) into `BSONDocument`s, checking every length.
struct BSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// Decodes one document from `bytes`.
    static func document(from bytes: UnsafeRawBufferPointer) throws(MongoError) -> BSONDocument {
        var reader = BSONReader(bytes: bytes)
        return try reader.readDocument()
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private static func corrupt(_ what: String) -> MongoError {
        MongoError(.invalidDocument, message: "malformed BSON: \(what)")
    }

    private mutating func readDocument() throws(MongoError) -> BSONDocument {
        let start = offset
        let length = Int(try read(Int32.self))
        guard length >= 5, start + length <= bytes.count else { throw Self.corrupt("document length \(length)") }
        let end = start + length
        var fields: [(key: String, value: BSONValue)] = []
        while true {
            guard offset < end else { throw Self.corrupt("missing terminator") }
            let type = bytes[offset]
            offset += 1
            if type == 0 { break }
            let key = try readCString(limit: end)
            fields.append((key: key, value: try readValue(type: type, limit: end)))
        }
        guard offset == end else { throw Self.corrupt("document ends at \(offset), expected \(end)") }
        return BSONDocument(fields)
    }

    private mutating func readValue(type: UInt8, limit: Int) throws(MongoError) -> BSONValue {
        switch type {
        case 0x01: return .double(Double(bitPattern: try read(UInt64.self)))
        case 0x02:
            let length = Int(try read(Int32.self))
            guard length >= 1, offset + length <= limit, bytes[offset + length - 1] == 0 else { throw Self.corrupt("string length") }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length - 1)]), as: UTF8.self)
            offset += length
            return .string(text)
        case 0x03: return .document(try readDocument())
        case 0x04: return .array(try readDocument().fields.map(\.value))
        case 0x05:
            let length = Int(try read(Int32.self))
            guard length >= 0, offset + 1 + length <= limit else { throw Self.corrupt("binary length") }
            let subtype = bytes[offset]
            offset += 1
            let data = Array(bytes[offset..<(offset + length)])
            offset += length
            return .binary(subtype: subtype, bytes: data)
        case 0x07:
            guard offset + 12 <= limit else { throw Self.corrupt("ObjectId") }
            let id = BSONObjectID(bytes: Array(bytes[offset..<(offset + 12)]))
            offset += 12
            return .objectID(id)
        case 0x08:
            guard offset < limit else { throw Self.corrupt("bool") }
            let value = bytes[offset]
            offset += 1
            return .bool(value != 0)
        case 0x09: return .date(try read(Int64.self))
        case 0x0A: return .null
        case 0x0B: return .regularExpression(pattern: try readCString(limit: limit), options: try readCString(limit: limit))
        case 0x10: return .int32(try read(Int32.self))
        case 0x11: return .timestamp(try read(UInt64.self))
        case 0x12: return .int64(try read(Int64.self))
        case 0x13:
            guard offset + 16 <= limit else { throw Self.corrupt("Decimal128") }
            let raw = Array(bytes[offset..<(offset + 16)])
            offset += 16
            return .decimal128(raw)
        case 0xFF: return .minKey
        case 0x7F: return .maxKey
        default:
            throw MongoError(.invalidDocument, message: String(format: "unsupported BSON type 0x%02x", type))
        }
    }

    private mutating func read<T: FixedWidthInteger>(_: T.Type) throws(MongoError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw Self.corrupt("truncated") }
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + size)])) }
        offset += size
        return T(littleEndian: value)
    }

    private mutating func readCString(limit: Int) throws(MongoError) -> String {
        guard let end = bytes[offset..<limit].firstIndex(of: 0) else { throw Self.corrupt("unterminated name") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        offset = end + 1
        return text
    }
}

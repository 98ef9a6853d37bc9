/// Writes BSON bytes (bsonspec.org 1.1), little-endian.
enum BSONWriter {
    static func bytes(of document: BSONDocument) throws(MongoError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        try write(document.fields, to: &out)
        return out
    }

    private static func write(_ fields: [(key: String, value: BSONValue)], to out: inout [UInt8]) throws(MongoError) {
        let start = out.count
        out.append(contentsOf: [0, 0, 0, 0])
        for field in fields {
            guard !field.key.utf8.contains(0) else {
                throw MongoError(.invalidDocument, message: "field name contains a NUL byte")
            }
            out.append(field.value.typeByte)
            out.append(contentsOf: field.key.utf8)
            out.append(0)
            try write(field.value, to: &out)
        }
        out.append(0)
        patchLength(at: start, in: &out)
    }

    private static func write(_ value: BSONValue, to out: inout [UInt8]) throws(MongoError) {
        switch value {
        case .double(let v): append(v.bitPattern, to: &out)
        case .string(let v):
            append(Int32(v.utf8.count + 1), to: &out)
            out.append(contentsOf: v.utf8)
            out.append(0)
        case .document(let v): try write(v.fields, to: &out)
        case .array(let values):
            try write(values.enumerated().map { (key: String($0.offset), value: $0.element) }, to: &out)
        case .binary(let subtype, let bytes):
            append(Int32(bytes.count), to: &out)
            out.append(subtype)
            out.append(contentsOf: bytes)
        case .objectID(let v): out.append(contentsOf: v.bytes)
        case .bool(let v): out.append(v ? 1 : 0)
        case .date(let v): append(v, to: &out)
        case .null, .minKey, .maxKey: break
        case .regularExpression(let pattern, let options):
            guard !pattern.utf8.contains(0), !options.utf8.contains(0) else {
                throw MongoError(.invalidDocument, message: "regular expression contains a NUL byte")
            }
            out.append(contentsOf: pattern.utf8)
            out.append(0)
            out.append(contentsOf: options.utf8)
            out.append(0)
        case .int32(let v): append(v, to: &out)
        case .timestamp(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .decimal128(let bytes):
            guard bytes.count == 16 else { throw MongoError(.invalidDocument, message: "a Decimal128 has 16 bytes") }
            out.append(contentsOf: bytes)
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func patchLength(at start: Int, in out: inout [UInt8]) {
        let length = UInt32(out.count - start).littleEndian
        withUnsafeBytes(of: length) { bytes in
            for index in 0..<4 { out[start + index] = bytes[index] }
        }
    }
}

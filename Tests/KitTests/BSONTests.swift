@testable import MongoKit
import Testing

@Suite("BSON documents")
struct BSONTests {
    static let sample: BSONDocument = [
        "_id": .objectID(BSONObjectID(bytes: [0x66, 0x71, 0xa5, 0x2b, 0xcc, 0xa2, 0x0e, 0x31, 0x8e, 0x61, 0x7d, 0xd4])),
        "name": "général ✓",
        "count32": .int32(-7),
        "count64": .int64(1 << 40),
        "ratio": 0.25,
        "ok": true,
        "at": .date(1_718_723_045_123),
        "nothing": .null,
        "members": .array([.string("a"), .int32(2), .document(["nested": true])]),
        "sub": .document(["z": 1, "a": 2]),
        "blob": .binary(subtype: 0, bytes: [0, 1, 2, 255]),
        "re": .regularExpression(pattern: "^a.*", options: "i"),
        "ts": .timestamp(42 << 32 | 7),
        "dec": .decimal128(Array(repeating: 1, count: 16)),
    ]

    @Test("every supported type survives bytes and libbson unchanged, in order")
    func roundTrip() throws {
        let bytes = try BSONWriter.bytes(of: Self.sample)
        let decoded = try bytes.withUnsafeBytes { try BSONReader.document(from: $0) }
        #expect(decoded == Self.sample)
        let throughLibbson = try Self.sample.withCDocument { try BSONDocument(cDocument: $0) }
        #expect(throughLibbson == Self.sample)
        #expect(throughLibbson.keys == Self.sample.keys)
        #expect(decoded.document("sub")?.keys == ["z", "a"])
    }

    @Test("typed access answers nil for a missing field or another type")
    func typedAccess() {
        let document = Self.sample
        #expect(document.string("name") == "général ✓")
        #expect(document.int("count32") == -7)
        #expect(document.int("count64") == 1 << 40)
        #expect(document.int("ratio") == nil)
        #expect(document.dateMilliseconds("at") == 1_718_723_045_123)
        #expect(document.objectID("_id")?.description == "6671a52bcca20e318e617dd4")
        #expect(document.string("count32") == nil)
        #expect(document.bool("absent") == nil)
        #expect(document.array("members")?.count == 3)
    }

    @Test("truncated or corrupt bytes are refused with a typed error, never a crash")
    func corrupt() throws {
        let bytes = try BSONWriter.bytes(of: Self.sample)
        for cut in stride(from: 0, to: bytes.count - 1, by: 7) {
            let truncated = Array(bytes.prefix(cut))
            #expect(throws: MongoError.self) { try truncated.withUnsafeBytes { try BSONReader.document(from: $0) } }
        }
        var lying = bytes
        lying[0] = 0xFF
        #expect(throws: MongoError.self) { try lying.withUnsafeBytes { try BSONReader.document(from: $0) } }
    }
}

import CMongoC

extension BSONDocument {
    /// Calls `body` with a libbson document holding these fields, freed afterwards.
    func withCDocument<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        let bytes = try BSONWriter.bytes(of: self)
        guard let document = bytes.withUnsafeBufferPointer({ bson_new_from_data($0.baseAddress, $0.count) }) else {
            throw MongoError(.invalidDocument, message: "libbson refused the document")
        }
        defer { bson_destroy(document) }
        return try body(document)
    }

    /// Reads a libbson document (not freed here).
    init(cDocument document: OpaquePointer) throws(MongoError) {
        guard let data = bson_get_data(document) else { throw MongoError(.invalidDocument, message: "empty libbson document") }
        let length = Int(chatctl_bson_length(document))
        self = try BSONReader.document(from: UnsafeRawBufferPointer(start: data, count: length))
    }
}

/// A `bson_t` for libmongoc to fill (`reply` parameters): 128-byte aligned storage,
/// destroyed and freed by `release()`.
struct CReplyDocument {
    let pointer: OpaquePointer
    private let raw: UnsafeMutableRawPointer

    init() {
        raw = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 128)
        pointer = OpaquePointer(raw)
        bson_init(pointer)
    }

    /// The reply as a Swift document.
    func document() throws(MongoError) -> BSONDocument { try BSONDocument(cDocument: pointer) }

    func release() {
        bson_destroy(pointer)
        raw.deallocate()
    }
}

import CMongoC

/// One collection; every call goes through the client's thread pool.
public struct MongoCollection: Sendable {
    let client: MongoClient
    public let database: String
    public let name: String

    /// What `find` should return.
    public struct FindOptions: Sendable {
        public var sort: BSONDocument?
        public var projection: BSONDocument?
        public var limit: Int?
        public var skip: Int?
        /// Documents per server batch (the rest arrive by getMore).
        public var batchSize: Int?

        public init(sort: BSONDocument? = nil, projection: BSONDocument? = nil, limit: Int? = nil, skip: Int? = nil, batchSize: Int? = nil) {
            self.sort = sort
            self.projection = projection
            self.limit = limit
            self.skip = skip
            self.batchSize = batchSize
        }

        var document: BSONDocument {
            var options = BSONDocument()
            if let sort { options["sort"] = .document(sort) }
            if let projection { options["projection"] = .document(projection) }
            if let limit { options["limit"] = .int64(Int64(limit)) }
            if let skip { options["skip"] = .int64(Int64(skip)) }
            if let batchSize { options["batchSize"] = .int32(Int32(clamping: batchSize)) }
            return options
        }
    }

    /// Counts reported by a write.
    public struct WriteResult: Sendable, Equatable {
        public var matched: Int
        public var modified: Int
        public var deleted: Int
        public var upserted: Int
    }

    func withCollection<R: Sendable>(_ body: @escaping @Sendable (OpaquePointer, String) throws -> R) async throws -> R {
        let database = self.database, name = self.name, uriText = client.uri.string
        return try await client.withClient { client in
            let collection = mongoc_client_get_collection(client, database, name)!
            defer { mongoc_collection_destroy(collection) }
            return try body(collection, uriText)
        }
    }

    /// Inserts one document (which should carry its `_id`).
    /// - Throws: `MongoError.duplicateKey` when a unique index refuses it.
    public func insertOne(_ document: BSONDocument) async throws {
        try await withCollection { collection, uri in
            try document.withCDocument { cDocument in
                var error = bson_error_t()
                guard mongoc_collection_insert_one(collection, cDocument, nil, nil, &error) else { throw MongoError(error, redacting: uri) }
            }
        }
    }

    /// Inserts documents in one round trip (`ordered`: stop at the first failure).
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true) async throws {
        guard !documents.isEmpty else { return }
        try await withCollection { collection, uri in
            let cDocuments = try documents.map { document -> OpaquePointer in
                let bytes = try BSONWriter.bytes(of: document)
                guard let cDocument = bytes.withUnsafeBufferPointer({ bson_new_from_data($0.baseAddress, $0.count) }) else {
                    throw MongoError(.invalidDocument, message: "libbson refused a document")
                }
                return cDocument
            }
            defer { cDocuments.forEach { bson_destroy($0) } }
            try (["ordered": .bool(ordered)] as BSONDocument).withCDocument { options in
                var error = bson_error_t()
                var pointers: [OpaquePointer?] = cDocuments
                let inserted = pointers.withUnsafeMutableBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: OpaquePointer?.self, capacity: buffer.count) {
                        mongoc_collection_insert_many(collection, $0, buffer.count, options, nil, &error)
                    }
                }
                guard inserted else { throw MongoError(error, redacting: uri) }
            }
        }
    }

    /// Every matching document; large results arrive in batches (getMore) under the hood.
    public func find(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) async throws -> [BSONDocument] {
        try await withCollection { collection, uri in
            try filter.withCDocument { cFilter in
                try options.document.withCDocument { cOptions in
                    guard let cursor = mongoc_collection_find_with_opts(collection, cFilter, cOptions, nil) else {
                        throw MongoError(.commandFailed(code: 0), message: "find on \(collection) could not start")
                    }
                    return try Self.drain(cursor, uri: uri)
                }
            }
        }
    }

    /// Matching documents as a stream: memory stays bounded by `batchSize` however many
    /// documents match (the server sends them in batches, fetched as the caller reads).
    public func stream(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) async throws -> MongoCursor {
        let database = self.database, name = self.name
        let filterBytes = try BSONWriter.bytes(of: filter), optionBytes = try BSONWriter.bytes(of: options.document)
        return try await client.openCursor({ client in
            let collection = mongoc_client_get_collection(client, database, name)!
            let cFilter = filterBytes.withUnsafeBufferPointer { bson_new_from_data($0.baseAddress, $0.count) }
            let cOptions = optionBytes.withUnsafeBufferPointer { bson_new_from_data($0.baseAddress, $0.count) }
            defer {
                bson_destroy(cFilter)
                bson_destroy(cOptions)
            }
            guard let cFilter, let cOptions, let cursor = mongoc_collection_find_with_opts(collection, cFilter, cOptions, nil) else {
                mongoc_collection_destroy(collection)
                throw MongoError(.invalidDocument, message: "find on \(name) could not start")
            }
            return (collection, cursor)
        }, chunkSize: options.batchSize ?? 100)
    }

    /// The first matching document, if any.
    public func findOne(_ filter: BSONDocument, options: FindOptions = FindOptions()) async throws -> BSONDocument? {
        var options = options
        options.limit = 1
        return try await find(filter, options: options).first
    }

    /// Runs an aggregation pipeline and returns every result document.
    public func aggregate(_ pipeline: [BSONDocument]) async throws -> [BSONDocument] {
        try await withCollection { collection, uri in
            try (["pipeline": .array(pipeline.map { .document($0) })] as BSONDocument).withCDocument { cPipeline in
                guard let cursor = mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, cPipeline, nil, nil) else {
                    throw MongoError(.commandFailed(code: 0), message: "aggregate could not start")
                }
                return try Self.drain(cursor, uri: uri)
            }
        }
    }

    /// Updates the first (`many: false`) or every matching document; `upsert` inserts when none matches.
    @discardableResult
    public func update(_ filter: BSONDocument, _ update: BSONDocument, many: Bool = false, upsert: Bool = false) async throws -> WriteResult {
        try await withCollection { collection, uri in
            try filter.withCDocument { cFilter in
                try update.withCDocument { cUpdate in
                    try (["upsert": .bool(upsert)] as BSONDocument).withCDocument { cOptions in
                        let reply = CReplyDocument()
                        defer { reply.release() }
                        var error = bson_error_t()
                        let ok = many
                            ? mongoc_collection_update_many(collection, cFilter, cUpdate, cOptions, reply.pointer, &error)
                            : mongoc_collection_update_one(collection, cFilter, cUpdate, cOptions, reply.pointer, &error)
                        guard ok else { throw MongoError(error, redacting: uri) }
                        return try Self.result(reply.document())
                    }
                }
            }
        }
    }

    /// Deletes the first (`many: false`) or every matching document.
    @discardableResult
    public func delete(_ filter: BSONDocument, many: Bool = false) async throws -> WriteResult {
        try await withCollection { collection, uri in
            try filter.withCDocument { cFilter in
                let reply = CReplyDocument()
                defer { reply.release() }
                var error = bson_error_t()
                let ok = many
                    ? mongoc_collection_delete_many(collection, cFilter, nil, reply.pointer, &error)
                    : mongoc_collection_delete_one(collection, cFilter, nil, reply.pointer, &error)
                guard ok else { throw MongoError(error, redacting: uri) }
                return try Self.result(reply.document())
            }
        }
    }

    /// Atomically updates the first matching document and returns it as it is after
    /// the update (`findAndModify` with `new: true`); nil when none matched.
    public func findOneAndUpdate(_ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false) async throws -> BSONDocument? {
        let reply = try await client.runCommand(
            ["findAndModify": .string(name), "query": .document(filter), "update": .document(update), "new": true, "upsert": .bool(upsert)],
            database: database)
        return reply.document("value")
    }

    /// The number of matching documents.
    public func countDocuments(_ filter: BSONDocument = [:]) async throws -> Int {
        try await withCollection { collection, uri in
            try filter.withCDocument { cFilter in
                var error = bson_error_t()
                let count = mongoc_collection_count_documents(collection, cFilter, nil, nil, nil, &error)
                guard count >= 0 else { throw MongoError(error, redacting: uri) }
                return Int(count)
            }
        }
    }

    /// One index to ensure.
    public struct Index: Sendable {
        public var keys: BSONDocument
        public var name: String
        public var unique: Bool
        /// A TTL index: the server deletes documents this many seconds after the date in its key.
        public var expireAfterSeconds: Int?

        public init(keys: BSONDocument, name: String, unique: Bool = false, expireAfterSeconds: Int? = nil) {
            self.keys = keys
            self.name = name
            self.unique = unique
            self.expireAfterSeconds = expireAfterSeconds
        }
    }

    /// Creates indexes (idempotent for identical definitions).
    public func createIndexes(_ indexes: [Index]) async throws {
        let specs: [BSONValue] = indexes.map { index in
            var spec: BSONDocument = ["key": .document(index.keys), "name": .string(index.name)]
            if index.unique { spec["unique"] = true }
            if let seconds = index.expireAfterSeconds { spec["expireAfterSeconds"] = .int64(Int64(seconds)) }
            return .document(spec)
        }
        _ = try await client.runCommand(["createIndexes": .string(name), "indexes": .array(specs)], database: database)
    }

    /// The names of the collection's indexes as the server lists them (`listIndexes`),
    /// `_id_` included; empty when the collection does not exist.
    public func indexNames() async throws -> [String] {
        let name = self.name
        return try await withCollection { collection, uri in
            guard let cursor = mongoc_collection_find_indexes_with_opts(collection, nil) else {
                throw MongoError(.commandFailed(code: 0), message: "listIndexes on \(name) could not start")
            }
            return try Self.drain(cursor, uri: uri).compactMap { $0.string("name") }
        }
    }

    private static func drain(_ cursor: OpaquePointer, uri: String) throws -> [BSONDocument] {
        defer { mongoc_cursor_destroy(cursor) }
        var documents: [BSONDocument] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            if let current { documents.append(try BSONDocument(cDocument: current)) }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw MongoError(error, redacting: uri) }
        return documents
    }

    private static func result(_ reply: BSONDocument) -> WriteResult {
        WriteResult(
            matched: reply.int("matchedCount") ?? 0, modified: reply.int("modifiedCount") ?? 0,
            deleted: reply.int("deletedCount") ?? 0, upserted: reply.int("upsertedCount") ?? 0)
    }
}

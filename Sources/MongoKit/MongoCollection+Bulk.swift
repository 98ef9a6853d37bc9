import CMongoC

extension MongoCollection {
    /// One write of a bulk write.
    public enum BulkWrite: Sendable {
        /// Replaces the first document `filter` matches with `replacement` (which holds no
        /// update operator); `upsert` inserts it when none matches.
        case replaceOne(filter: BSONDocument, replacement: BSONDocument, upsert: Bool)
        /// Applies the update operators of `update` to the first document `filter`
        /// matches; `upsert` inserts one when none matches.
        case updateOne(filter: BSONDocument, update: BSONDocument, upsert: Bool)
    }

    /// Sends `writes` as one bulk write (libmongoc splits it into as few commands as the
    /// server's limits allow). Ordered: the server stops at the first failure, so what was
    /// written is a prefix of `writes`.
    /// - Throws: `MongoError.duplicateKey` when a unique index refuses a write; other
    ///   `MongoError`s.
    @discardableResult
    public func bulkWrite(_ writes: [BulkWrite], ordered: Bool = true) async throws -> WriteResult {
        guard !writes.isEmpty else { return WriteResult(matched: 0, modified: 0, deleted: 0, upserted: 0) }
        return try await withCollection { collection, uri in
            try (["ordered": .bool(ordered)] as BSONDocument).withCDocument { cOptions in
                guard let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, cOptions) else {
                    throw MongoError(.commandFailed(code: 0), message: "libmongoc could not start a bulk write")
                }
                defer { mongoc_bulk_operation_destroy(bulk) }
                for write in writes {
                    // libmongoc copies each document into the bulk's own buffers when it is added.
                    var error = bson_error_t()
                    let added: Bool
                    switch write {
                    case .replaceOne(let filter, let replacement, let upsert):
                        added = try filter.withCDocument { cFilter in
                            try replacement.withCDocument { cReplacement in
                                try (["upsert": .bool(upsert)] as BSONDocument).withCDocument { cWriteOptions in
                                    mongoc_bulk_operation_replace_one_with_opts(bulk, cFilter, cReplacement, cWriteOptions, &error)
                                }
                            }
                        }
                    case .updateOne(let filter, let update, let upsert):
                        added = try filter.withCDocument { cFilter in
                            try update.withCDocument { cUpdate in
                                try (["upsert": .bool(upsert)] as BSONDocument).withCDocument { cWriteOptions in
                                    mongoc_bulk_operation_update_one_with_opts(bulk, cFilter, cUpdate, cWriteOptions, &error)
                                }
                            }
                        }
                    }
                    guard added else { throw MongoError(error, redacting: uri) }
                }
                let reply = CReplyDocument()
                defer { reply.release() }
                var error = bson_error_t()
                guard mongoc_bulk_operation_execute(bulk, reply.pointer, &error) != 0 else { throw MongoError(error, redacting: uri) }
                let document = try reply.document()
                return WriteResult(
                    matched: document.int("nMatched") ?? 0, modified: document.int("nModified") ?? 0, deleted: document.int("nRemoved") ?? 0,
                    upserted: document.int("nUpserted") ?? 0)
            }
        }
    }
}

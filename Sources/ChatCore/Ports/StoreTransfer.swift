/// A whole store, collection by collection, for `chatctl db copy`: paged reads of every
/// record in key order and idempotent writes by key. Implemented by the SQLite, MongoDB
/// and memory stores beside `ChatStore` (not part of it: nothing on the message path
/// uses it).
///
/// Records are the models (`RecordBatch`), so any store's records go into any other.
/// Every write replaces the record with its key or inserts it (an upsert), so writing a
/// batch twice changes nothing: a copy stopped anywhere is finished by running it again.
public protocol StoreTransfer: Sendable {
    /// How many records `collection` holds (for progress; a verify counts as it reads).
    func recordCount(of collection: StoreCollection) async throws -> Int
    /// Up to `limit` records of `collection` whose keys sort after `key` (from the first
    /// when nil), in key order (`RecordBatch.keys`).
    func records(of collection: StoreCollection, after key: String?, limit: Int) async throws -> RecordBatch
    /// The records of `collection` with these keys (those the store has), in any order.
    func records(of collection: StoreCollection, keys: [String]) async throws -> RecordBatch
    /// Writes each record under its key: inserted, or replacing the one stored there, in
    /// one write per batch where the store allows (a SQLite transaction; an ordered
    /// MongoDB bulk write, of which a kill leaves a prefix). A room's sequence counter
    /// only moves forward; a MongoDB store also moves each room's counter past the
    /// copied messages' `seq` and claims their recent client ids.
    /// - Throws: `ChatError` `.conflict` when another record of the store holds one of
    ///   the batch's unique values (a username, an email, a room name, a reporter's report
    ///   of a message) under another key.
    func upsert(_ batch: RecordBatch) async throws
}

extension ChatError {
    /// A copied record's unique value (`field`) is held by another record of the target.
    public static func copyConflict(_ field: String, detail: String) -> ChatError {
        ChatError(
            .conflict, field: field,
            message: "the target already holds this \(field) under another id (it holds other data than the source's)", detail: detail)
    }
}

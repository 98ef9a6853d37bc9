/// A collection's fingerprint for `chatctl db copy --verify`: how many records, and the
/// SHA-256 of every record's key and canonical encoding (`RecordEntry`) in key order,
/// each as `key 0x1F canonical 0x0A`. Two stores hold the same collection exactly when
/// both agree (up to a SHA-256 collision).
public struct CollectionChecksum: Sendable {
    /// What a checksum comes to.
    public struct Summary: Sendable, Codable, Equatable {
        public var count: Int
        /// 64 lowercase hex characters.
        public var sha256: String

        public init(count: Int, sha256: String) {
            self.count = count
            self.sha256 = sha256
        }
    }

    private var hasher = SHA256Hasher()
    public private(set) var count = 0

    public init() {}

    /// Adds the next record (records must come in key order).
    public mutating func add(_ entry: RecordEntry) {
        var bytes = Array(entry.key.utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: entry.canonical)
        bytes.append(0x0A)
        hasher.update(bytes)
        count += 1
    }

    public var summary: Summary { Summary(count: count, sha256: hasher.hexDigest()) }
}

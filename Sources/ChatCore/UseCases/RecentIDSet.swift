/// The ids of the last `capacity` messages handed on, so that a second copy of any of
/// them is dropped; older ones are forgotten, oldest first, so memory stays bounded.
struct RecentIDSet: Sendable {
    /// How many ids are remembered.
    static let capacity = 10_000

    private var members = Set<ObjectID>()
    /// The remembered ids in the order they came, as a ring once full.
    private var ring: [ObjectID] = []
    /// Where the oldest id sits in `ring` once it is full.
    private var oldest = 0

    func contains(_ id: ObjectID) -> Bool { members.contains(id) }

    /// Remembers `id`; false when it was remembered already.
    @discardableResult
    mutating func insert(_ id: ObjectID) -> Bool {
        guard members.insert(id).inserted else { return false }
        if ring.count < Self.capacity {
            ring.append(id)
        } else {
            members.remove(ring[oldest])
            ring[oldest] = id
            oldest = (oldest + 1) % Self.capacity
        }
        return true
    }
}

import Synchronization

/// The ids of a process's sockets, room and notification alike: 8 hex digits that look
/// random and do not repeat until 2³² sockets have opened in the process.
///
/// A counter (starting at a random value) multiplied by an odd constant: multiplication
/// by an odd number is a bijection on 32-bit integers, so distinct counts give distinct
/// ids, with no set of ids in use to keep.
enum ConnectionID {
    private static let counter = Atomic<UInt32>(UInt32.random(in: .min ... .max))
    /// Odd (the golden ratio's 32-bit fraction): spreads consecutive counts apart.
    private static let multiplier: UInt32 = 0x9E37_79B1

    /// A fresh id.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let hex = String(count &* multiplier, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

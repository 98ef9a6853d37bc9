/// A flag that returns its old value when set: `RoomConnection`'s "written, not
/// flushed yet", kept in a `NIOLoopBoundBox` (read and set on the event loop only).
struct LoopFlag {
    private var value = false

    /// Sets the flag to `new`; returns what it was.
    @discardableResult
    mutating func swap(_ new: Bool) -> Bool {
        defer { value = new }
        return value
    }
}

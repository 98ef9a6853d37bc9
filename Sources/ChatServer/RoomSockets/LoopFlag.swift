/// A flag that returns its old value when set.
struct LoopFlag {
    private var value = false

    @discardableResult
    mutating func swap(_ new: Bool) -> Bool {
        defer { value = new }
        return value
    }
}

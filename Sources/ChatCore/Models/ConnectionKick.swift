/// An operator's request to close live connections: exactly one condition (a user, a
/// room or one connection id) and the reason their clients read in the close frame
/// (1008, as when a session ends).
public struct ConnectionKick: Sendable, Hashable {
    /// The close reason when the operator gives none.
    public static let defaultReason = "closed by an operator"

    public let filter: ConnectionFilter
    public let reason: String

    /// - Throws: `ChatError` (`invalidInput`) when not exactly one condition is given, or
    ///   the reason does not fit a close frame (`InputRules.validateCloseReason`).
    public init(_ filter: ConnectionFilter, reason: String?) throws(ChatError) {
        guard filter.conditionCount == 1 else {
            throw .invalid("body", "give exactly one of user, room or id (\(filter.conditionCount) given)")
        }
        self.filter = filter
        self.reason = try InputRules.validateCloseReason(reason) ?? Self.defaultReason
    }
}

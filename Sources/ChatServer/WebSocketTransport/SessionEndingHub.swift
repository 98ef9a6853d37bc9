import ChatCore

/// A hub whose sockets can be closed per user (code 1008) when its session ends.
public protocol SessionEndingHub: Sendable {
    /// Closes every socket of `userID` on this node with 1008 and `reason`; returns how many.
    func endSessions(ofUser userID: ObjectID, reason: String) -> Int
}

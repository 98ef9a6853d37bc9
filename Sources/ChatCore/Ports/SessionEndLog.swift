import Foundation

/// "Close this user's live sockets": recorded by whoever disables, deletes or changes
/// the password of a user (a CLI process, any node) and read by every node.
public struct SessionEnd: Sendable, Equatable {
    public var id: ObjectID
    public var userID: ObjectID
    /// Sent as the WebSocket close reason (`user disabled`, `password changed`, …).
    public var reason: String
    public var at: Date

    public init(id: ObjectID = ObjectID(), userID: ObjectID, reason: String, at: Date = Date()) {
        self.id = id
        self.userID = userID
        self.reason = reason
        self.at = at.truncatedToMilliseconds
    }
}

/// The store's log of session ends. The store is the one backend every node and every
/// CLI process shares in every deployment (embedded SQLite included), so a command run
/// from a shell reaches the sockets of a running server through it.
public protocol SessionEndLog: Sendable {
    /// Records an end (and forgets ends older than a day).
    func recordSessionEnd(_ end: SessionEnd) async throws
    /// Ends recorded at or after `since`, oldest first.
    func sessionEnds(since: Date) async throws -> [SessionEnd]
}

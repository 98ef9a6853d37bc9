import ChatCore

/// A hub whose sockets the operator API lists and closes (`ConnectionAdminRoutes`): the
/// chat service's room sockets, the notification service's sockets.
public protocol ConnectionDirectory: Sendable {
    /// This node's sockets that `filter` means, as of now (no store read).
    func connections(matching filter: ConnectionFilter) -> [ConnectionInfo]

    /// Closes this node's sockets that `filter` means with 1008 and `reason`, as a session
    /// end does (a room socket lets its post in flight finish first); returns how many.
    func kick(matching filter: ConnectionFilter, reason: String) -> Int
}

/// A hub of WebSockets that can be drained (the chat service's rooms, the notification
/// service's receivers).
public protocol DrainableHub: Sendable {
    /// Refuses new sockets and asks every open one to close with 1001; returns how many were open.
    func drain() -> Int
    /// Sockets still open.
    var totalConnections: Int { get }
}

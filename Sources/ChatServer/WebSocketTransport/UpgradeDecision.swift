/// The answer to an upgrade request.
enum UpgradeDecision: Sendable {
    /// No upgrade: the decision has already written the refusal to the client.
    case refuse
    case accept(SocketUpgrade)
}

/// A hub of WebSockets that a gentle drain (`NodeDrain`, `chatctl nodes drain`) empties:
/// it stops taking sockets, then its sockets are asked, a batch at a time, to reconnect
/// elsewhere (a `reconnect` frame, then close 1012).
public protocol ReconnectableHub: DrainableHub {
    /// From now on a new socket is refused before its upgrade (503, so its client tries
    /// another node), and one admitted just before is asked to reconnect at once.
    func refuseNewSockets()
    /// Asks up to `limit` sockets not asked to close yet to reconnect elsewhere; with
    /// `includingJoining`, room sockets whose history frame is not out yet too (they are
    /// otherwise left for a later batch). Returns how many it asked.
    func askToReconnect(upTo limit: Int, includingJoining: Bool) -> Int
}

/// Whether a hub takes new sockets.
enum HubIntake: Sendable, Equatable {
    /// It does.
    case open
    /// A gentle drain runs: new sockets are refused before the upgrade (503), and one
    /// admitted just before is told to reconnect.
    case reconnecting
    /// The process shuts down (`drain()`): a new socket is closed with 1001 right after
    /// its upgrade.
    case shuttingDown
}

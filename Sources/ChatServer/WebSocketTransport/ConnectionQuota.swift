import ChatCore
import NIOCore
import Synchronization

/// `limits.connections_per_user`: how many WebSockets one user may hold open on one
/// service of this node. A slot is taken when an upgrade is admitted and given back
/// when that connection's channel closes, however it closes (so an upgrade that never
/// ran its handler cannot leak one). The limit is read at each upgrade, so a reload that
/// lowers it refuses the next upgrades and leaves the sockets already open; slots are
/// counted while there is no limit too, so a limit set by a reload counts those open.
final class ConnectionQuota: Sendable {
    private let limit: @Sendable () -> Int
    private let open = Mutex<[ObjectID: Int]>([:])

    /// A fixed limit (0: none).
    init(perUser: Int) { limit = { perUser } }

    /// The limit in force in `live` (`limits.connections_per_user`).
    init(live: LiveSettings) { limit = { live.current.connectionsPerUser } }

    /// Sockets one user may hold now; 0: no limit.
    var perUser: Int { limit() }

    /// Takes a slot for `userID` until `channel` closes.
    /// - Throws: `ChatError.tooManyRequests` (429) when the user holds all their slots.
    func admit(_ userID: ObjectID, until channel: any Channel) throws {
        // Counted with no limit too, so that a limit a reload sets counts the sockets open.
        let perUser = self.perUser
        let admitted = open.withLock { open -> Bool in
            let count = open[userID, default: 0]
            guard perUser <= 0 || count < perUser else { return false }
            open[userID] = count + 1
            return true
        }
        guard admitted else {
            throw ChatError.tooMany("connection limit reached: a user may hold \(perUser) WebSockets open on this service")
        }
        channel.closeFuture.whenComplete { [self] _ in release(userID) }
    }

    private func release(_ userID: ObjectID) {
        open.withLock { open in
            let remaining = open[userID, default: 1] - 1
            open[userID] = remaining > 0 ? remaining : nil
        }
    }
}

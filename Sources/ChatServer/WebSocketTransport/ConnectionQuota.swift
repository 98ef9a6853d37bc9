import ChatCore
import NIOCore
import Synchronization

/// `limits.connections_per_user`: how many WebSockets one user may hold open on one
/// service of this node. A slot is taken when an upgrade is admitted and given back
/// when that connection's channel closes, however it closes (so an upgrade that never
/// ran its handler cannot leak one).
final class ConnectionQuota: Sendable {
    /// 0: no limit.
    let perUser: Int
    private let open = Mutex<[ObjectID: Int]>([:])

    init(perUser: Int) { self.perUser = perUser }

    /// Takes a slot for `userID` until `channel` closes.
    /// - Throws: `ChatError.tooManyRequests` (429) when the user holds all their slots.
    func admit(_ userID: ObjectID, until channel: any Channel) throws {
        guard perUser > 0 else { return }
        let admitted = open.withLock { open -> Bool in
            let count = open[userID, default: 0]
            guard count < perUser else { return false }
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

import ChatCore
import Foundation
import NIOCore
import Synchronization

/// What the operator API shows of one socket besides its state: its id, whose it is,
/// which room, where from and since when (fixed at the upgrade), and how many data
/// frames went each way. Counting is the only work on the hot path: one relaxed atomic
/// increment per frame.
final class ConnectionMeter: Sendable {
    let id: String
    let kind: ConnectionInfo.Kind
    let userID: ObjectID
    let username: String?
    let roomID: ObjectID?
    let remote: String?
    let connectedAt: Date
    private let framesIn = Atomic<Int>(0)
    private let framesOut = Atomic<Int>(0)

    init(kind: ConnectionInfo.Kind, userID: ObjectID, username: String?, roomID: ObjectID?, channel: any Channel, connectedAt: Date = Date()) {
        self.id = ConnectionID.next()
        self.kind = kind
        self.userID = userID
        self.username = username
        self.roomID = roomID
        self.remote = Self.describe(channel.remoteAddress)
        self.connectedAt = connectedAt
    }

    /// A data frame came in from the client.
    func countIn() { framesIn.wrappingAdd(1, ordering: .relaxed) }

    /// A data frame was written to the client.
    func countOut() { framesOut.wrappingAdd(1, ordering: .relaxed) }

    /// Whether the socket is one of those `filter` means.
    func matches(_ filter: ConnectionFilter) -> Bool {
        filter.matches(id: id, userID: userID, roomID: roomID)
    }

    /// The socket as of now, with its outbound backlog as its owner knows it.
    func info(buffered: Int, writable: Bool) -> ConnectionInfo {
        ConnectionInfo(
            id: id, kind: kind, userID: userID, username: username, roomID: roomID, remote: remote, connectedAt: connectedAt,
            framesIn: framesIn.load(ordering: .relaxed), framesOut: framesOut.load(ordering: .relaxed), buffered: buffered, writable: writable)
    }

    /// `address:port` (an IPv6 address in brackets), the socket path of a Unix socket, or nil.
    static func describe(_ address: SocketAddress?) -> String? {
        guard let address else { return nil }
        guard let ip = address.ipAddress, let port = address.port else { return address.pathname }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

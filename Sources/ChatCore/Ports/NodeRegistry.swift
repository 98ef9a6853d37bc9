import Foundation

/// Where serving processes announce themselves, so that `chatctl nodes list` and every
/// command that talks to running nodes (through their operator API) can find them.
///
/// It lives in the one backend every node and every CLI process shares: Redis when it
/// is configured (a key per node that expires by itself), else the store. A record is
/// live until its `expiresAt`; a node rewrites it every few seconds (`NodeHeartbeat`),
/// so one that dies disappears once its last record expires.
public protocol NodeRegistry: Sendable {
    /// Writes the node's record, replacing the one it wrote before; records that have
    /// expired may be forgotten meanwhile.
    func register(_ record: NodeRecord) async throws
    /// Removes the node's record at once (a graceful stop).
    func deregister(nodeID: String) async throws
    /// Every record still live at `now`, by id.
    func liveNodes(at now: Date) async throws -> [NodeRecord]
}

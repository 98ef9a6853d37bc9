import ChatCore
import Foundation

/// Node records in process memory: for tests and a process that registers with itself.
public actor MemoryNodeRegistry: NodeRegistry {
    private var records: [String: NodeRecord] = [:]

    public init() {}

    public func register(_ record: NodeRecord) async throws {
        let now = Date()
        records = records.filter { $0.value.isLive(at: now) }
        records[record.id] = record
    }

    public func deregister(nodeID: String) async throws {
        records[nodeID] = nil
    }

    public func liveNodes(at now: Date) async throws -> [NodeRecord] {
        records.values.filter { $0.isLive(at: now) }.sorted { $0.id < $1.id }
    }
}

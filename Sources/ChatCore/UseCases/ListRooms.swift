/// Lists every room with how many sockets this node has in it.
public struct ListRooms: Sendable {
    let ports: ChatPorts

    public init(ports: ChatPorts) { self.ports = ports }

    public func callAsFunction(connectedCount: (ObjectID) -> Int) async throws -> [RoomSummary] {
        try await ports.store.allRooms().map { RoomSummary(room: $0, connectedCount: connectedCount($0.id)) }
    }
}

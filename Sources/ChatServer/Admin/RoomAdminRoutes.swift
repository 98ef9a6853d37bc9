import ChatCore
import Hummingbird

/// `GET /admin/rooms/live`: the sockets joined to each room on this node, by room id
/// (rooms without a socket left out), as `{"rooms": {"<room id>": count}}`. No store read.
public struct RoomAdminRoutes: AdminRoutes {
    let hub: RoomHub

    public init(hub: RoomHub) { self.hub = hub }

    struct LiveRooms: ResponseEncodable {
        var rooms: [String: Int]
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let hub = self.hub
        group.get("rooms/live") { _, _ -> LiveRooms in
            LiveRooms(rooms: Dictionary(uniqueKeysWithValues: hub.connectedCounts().map { ($0.key.hex, $0.value) }))
        }
    }
}

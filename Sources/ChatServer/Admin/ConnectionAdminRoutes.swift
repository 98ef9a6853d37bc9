import ChatCore
import Hummingbird

/// The node's live sockets, room and notification alike, from the hubs it runs:
///
/// - `GET /admin/connections[?user=<id>&room=<id>]` lists them (both filters must hold;
///   a room filter leaves notification sockets out) as `{"node": "<node id>",
///   "connections": [ConnectionInfo…]}`, oldest first. No store read.
/// - `POST /admin/connections/kick` with `{"user"|"room"|"id": "…", "reason": "…"}`
///   (exactly one of the three; `reason` optional, at most 123 bytes) closes the chosen
///   sockets with 1008 and the reason, as a session end does — a room socket finishes
///   its post in flight first — and answers `{"closed": n}`. Logged with the operator.
public struct ConnectionAdminRoutes: AdminRoutes {
    let nodeID: String
    let hubs: [any ConnectionDirectory]

    /// - Parameters:
    ///   - nodeID: the node's registry id, named in every listing.
    ///   - hubs: the node's hubs of sockets (`serve all` has both).
    public init(nodeID: String, hubs: [any ConnectionDirectory]) {
        self.nodeID = nodeID
        self.hubs = hubs
    }

    struct Listing: ResponseEncodable {
        var node: String
        var connections: [ConnectionInfo]
    }

    /// The body of a kick, as sent; `ConnectionKick` checks it.
    struct KickRequest: Decodable {
        var user: String?
        var room: String?
        var id: String?
        var reason: String?
    }

    struct Kicked: ResponseEncodable {
        var closed: Int
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let nodeID = self.nodeID, hubs = self.hubs
        group.get("connections") { request, _ -> Listing in
            let query = request.uri.queryParameters
            let filter = ConnectionFilter(
                userID: try Self.objectID(query.get("user"), field: "user"), roomID: try Self.objectID(query.get("room"), field: "room"))
            let connections = hubs.flatMap { $0.connections(matching: filter) }
            return Listing(node: nodeID, connections: connections.sorted { ($0.connectedAt, $0.id) < ($1.connectedAt, $1.id) })
        }
        group.post("connections/kick") { request, context -> Kicked in
            let body = try await JSONBody.decode(KickRequest.self, from: request, context: context)
            let chosen = try Self.kick(body)
            let closed = hubs.reduce(0) { $0 + $1.kick(matching: chosen.filter, reason: chosen.reason) }
            context.logger.notice("sockets closed by an operator", metadata: [
                "subject": "\(context.operatorClaims?.subject ?? "")", "closed": "\(closed)", "reason": "\(chosen.reason)",
                "user_id": "\(body.user ?? "")", "room_id": "\(body.room ?? "")", "connection": "\(body.id ?? "")",
            ])
            return Kicked(closed: closed)
        }
    }

    /// A user or room id given to the API: absent, or 24 hex digits.
    static func objectID(_ raw: String?, field: String) throws(ChatError) -> ObjectID? {
        guard let raw else { return nil }
        guard let id = ObjectID(hex: raw) else { throw .invalid(field, "\(field) must be a \(field) id (24 hexadecimal digits)") }
        return id
    }

    /// A connection id: hex digits, as `ConnectionInfo.id` has them.
    static func connectionID(_ raw: String?) throws(ChatError) -> String? {
        guard let raw else { return nil }
        guard (1...16).contains(raw.count), raw.allSatisfy(\.isHexDigit) else {
            throw .invalid("id", "id must be a connection id (hexadecimal digits, as GET /admin/connections lists them)")
        }
        return raw.lowercased()
    }

    static func kick(_ body: KickRequest) throws(ChatError) -> ConnectionKick {
        let filter = ConnectionFilter(
            userID: try objectID(body.user, field: "user"), roomID: try objectID(body.room, field: "room"), connectionID: try connectionID(body.id))
        return try ConnectionKick(filter, reason: body.reason)
    }
}

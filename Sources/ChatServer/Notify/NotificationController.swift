import ChatCore
import Foundation
import Hummingbird

/// The notification service's REST API (JWT as in the chat service):
/// `GET /api/notifications/?unseen=true&limit=50&before=RFC3339` lists the caller's
/// notifications newest first; `POST /api/notifications/seen/` with `{"ids":[…]}` or
/// `{"all":true}` marks them seen and answers `{"updated":N}`. Errors are JSON
/// `{"error":"…"}` naming the field at fault.
struct NotificationController {
    let ports: ChatPorts

    struct SeenRequest: Decodable {
        var ids: [String]?
        var all: Bool?
    }

    struct SeenResponse: ResponseEncodable {
        var updated: Int
    }

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.get("/") { request, context -> Response in
            let identity = try context.requireIdentity()
            let query = try Self.query(request.uri.queryParameters)
            let list = try await ports.store.notifications(for: identity.user.id, query: query)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(list.map(NotificationFrame.init))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        group.post("seen") { request, context -> SeenResponse in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(SeenRequest.self, from: request, context: context)
            if body.all == true {
                return SeenResponse(updated: try await ports.store.markSeen(receiver: identity.user.id, ids: nil))
            }
            guard let texts = body.ids else { throw ChatError.required("ids") }
            guard texts.count <= 1000 else { throw ChatError.invalid("ids", "at most 1000 ids per call") }
            var ids: [ObjectID] = []
            for text in texts {
                guard let id = ObjectID(hex: text) else { throw ChatError.invalid("ids", "'\(text.prefix(40))' is not a 24-character hex id") }
                ids.append(id)
            }
            return SeenResponse(updated: try await ports.store.markSeen(receiver: identity.user.id, ids: ids))
        }
    }

    static func query(_ parameters: Parameters) throws -> NotificationQuery {
        var query = NotificationQuery()
        if let unseen = parameters.get("unseen") {
            guard let value = Bool(unseen.lowercased()) else { throw ChatError.invalid("unseen", "must be true or false") }
            query.unseenOnly = value
        }
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...500).contains(value) else { throw ChatError.invalid("limit", "must be a number from 1 to 500") }
            query.limit = value
        }
        if let before = parameters.get("before") {
            guard let date = RFC3339.date(from: before) else { throw ChatError.invalid("before", "must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z") }
            query.before = date
        }
        return query
    }
}

import ChatCore
import ChatServer
import Foundation
import HTTPTypes
import Testing

@Suite("report endpoint over real sockets")
struct ReportEndpointTests {
    static let path = "/api/message/report/"

    /// `plaza`, of frank (its creator) and gina, with frank's spam, gina's hello and frank's
    /// second spam; hank is in no room.
    struct Plaza {
        var frank: String
        var gina: String
        var hank: String
        var room: Room
        var spam: Message
        var hello: Message
        var moreSpam: Message
    }

    static func plaza(_ chat: LiveChat) async throws -> Plaza {
        let frankToken = try await chat.user("frank"), ginaToken = try await chat.user("gina"), hankToken = try await chat.user("hank")
        #expect(try await chat.createRoom("plaza", token: frankToken).status == .ok)
        let store = chat.ports.store
        let frank = try #require(try await store.user(named: "frank")), gina = try #require(try await store.user(named: "gina"))
        let created = try #require(try await store.room(named: "plaza"))
        try await store.addMember(gina.id, toRoom: created.id)
        let room = try #require(try await store.room(id: created.id))
        let post = PostMessage(ports: chat.ports)
        let spam = try await post(content: "buy cheap watches", from: frank, in: room)
        let hello = try await post(content: "hello", from: gina, in: room)
        let moreSpam = try await post(content: "cheaper watches", from: frank, in: room)
        return Plaza(frank: frankToken, gina: ginaToken, hank: hankToken, room: room, spam: spam, hello: hello, moreSpam: moreSpam)
    }

    @Test("201 with the report; the same report again 409 naming id; no token 401; outside the room 404 as for an unknown message")
    func reportOnce() async throws {
        try await LiveChat.run { chat in
            let p = try await Self.plaza(chat)
            let created = try await chat.post(Self.path, ["id": p.spam.id.hex, "reason": "  spam wave  "], token: p.gina)
            #expect(created.status == .created)
            let body = LiveChat.decode(created)
            let reportID = try #require(body["id"] as? String, "\(body)")
            #expect(ObjectID(hex: reportID) != nil)
            #expect(body["message_id"] as? String == p.spam.id.hex && body["room_id"] as? String == p.room.id.hex)
            #expect(body["reason"] as? String == "spam wave" && body["status"] as? String == "open")
            #expect((body["created_at"] as? String).flatMap { RFC3339.date(from: $0) } != nil)
            let stored = try await chat.ports.store.reports(ReportQuery())
            #expect(stored.map(\.id.hex) == [reportID] && stored.first?.senderID == p.spam.senderID)

            let again = try await chat.post(Self.path, ["id": p.spam.id.hex, "reason": "still spam"], token: p.gina)
            #expect(again.status == .conflict)
            #expect(LiveChat.decode(again)["field"] as? String == "id")

            let anonymous = try await chat.post(Self.path, ["id": p.spam.id.hex, "reason": "spam"])
            #expect(anonymous.status == .unauthorized)

            let outsider = try await chat.post(Self.path, ["id": p.spam.id.hex, "reason": "spam"], token: p.hank)
            let unknown = try await chat.post(Self.path, ["id": ObjectID().hex, "reason": "spam"], token: p.gina)
            #expect(outsider.status == .notFound && unknown.status == .notFound)
            #expect(LiveChat.decode(outsider)["field"] as? String == "id")
            #expect(String(buffer: outsider.body) == String(buffer: unknown.body), "a non-member learns nothing more than for an unknown id")
            #expect(try await chat.ports.store.reports(ReportQuery()).count == 1)
        }
    }

    @Test("a bad body answers 400 naming the field at fault, and stores nothing")
    func badBodies() async throws {
        try await LiveChat.run { chat in
            let p = try await Self.plaza(chat)
            let id = p.spam.id.hex
            let cases: [([String: Any], String)] = [
                ([:], "id"),
                (["reason": "spam"], "id"),
                (["id": "not-a-message-id", "reason": "spam"], "id"),
                (["id": 42, "reason": "spam"], "id"),
                (["id": id], "reason"),
                (["id": id, "reason": "   "], "reason"),
                (["id": id, "reason": String(repeating: "x", count: 501)], "reason"),
                (["id": id, "reason": ["spam"]], "reason"),
            ]
            for (body, field) in cases {
                let response = try await chat.post(Self.path, body, token: p.gina)
                #expect(response.status == .badRequest, "\(body)")
                #expect(LiveChat.decode(response)["field"] as? String == field, "\(body): \(String(buffer: response.body))")
            }
            let empty = try await chat.request(.post, Self.path, headers: [.contentType: "application/json"], token: p.gina)
            #expect(empty.status == .badRequest && LiveChat.decode(empty)["field"] as? String == "body")
            #expect(try await chat.ports.store.reports(ReportQuery()).isEmpty)
        }
    }

    @Test("past limits.reports_per_hour a user gets 429 with Retry-After; another user still reports")
    func rateLimited() async throws {
        try await LiveChat.run(settings: ChatServerSettings.testing { $0.reportsPerHour = 2 }) { chat in
            let p = try await Self.plaza(chat)
            #expect(try await chat.post(Self.path, ["id": p.spam.id.hex, "reason": "spam"], token: p.gina).status == .created)
            #expect(try await chat.post(Self.path, ["id": p.moreSpam.id.hex, "reason": "spam"], token: p.gina).status == .created)
            let refused = try await chat.post(Self.path, ["id": p.hello.id.hex, "reason": "third"], token: p.gina)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { $0 > 0 && $0 <= 3600 } == true)
            #expect((LiveChat.decode(refused)["error"] as? String)?.hasPrefix("report limit reached") == true)
            #expect(try await chat.post(Self.path, ["id": p.hello.id.hex, "reason": "mine"], token: p.frank).status == .created)
            #expect(try await chat.ports.store.reports(ReportQuery()).count == 3)
        }
    }
}

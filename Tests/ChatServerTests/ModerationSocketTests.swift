import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// A message deleted or redacted (`ModerateMessage`, as `chatctl messages …` runs it)
/// reaches the room's live sockets through the store's moderation notices.
@Suite("moderation reaches a room's sockets")
struct ModerationSocketTests {
    @Test("redact and delete: every socket of the room gets the frame, another room nothing; the next history and a resume show the redaction and not the deleted message; a post after the newest was deleted takes a new number")
    func frames() async throws {
        try await LiveChat.run { chat in
            let token = try await chat.user("mod")
            _ = try await chat.createRoom("plaza", token: token)
            _ = try await chat.createRoom("quiet", token: token)
            let one = chat.socket(room: "plaza", token: token)
            let two = chat.socket(room: "plaza", token: token)
            let other = chat.socket(room: "quiet", token: token)
            for socket in [one, two, other] { _ = try await socket.nextArray() }
            var ids: [String] = []
            for content in ["first", "spam", "more spam", "last"] {
                one.send(TestSocket.message(content))
                ids.append(try #require(try await one.nextObject()["id"] as? String))
                _ = try await two.nextObject()
            }
            let moderation = ModerateMessage(ports: chat.ports)
            _ = try await moderation.redact(id: try #require(ObjectID(hex: ids[1])), reason: "spam", by: "test@host")
            _ = try await moderation.delete(id: try #require(ObjectID(hex: ids[2])), reason: nil, by: "test@host")
            for socket in [one, two] {
                let redacted = try await socket.nextObject("the redacted frame")
                #expect(redacted["type"] as? String == "redacted" && redacted["id"] as? String == ids[1], "\(redacted)")
                #expect(redacted["room"] as? String == "plaza" && redacted["content"] == nil, "\(redacted)")
                let deleted = try await socket.nextObject("the deleted frame")
                #expect(deleted["type"] as? String == "deleted" && deleted["id"] as? String == ids[2], "\(deleted)")
            }
            #expect(try await other.framesBeforeBinaryAnswer().isEmpty, "another room is told nothing")

            let joiner = chat.socket(room: "plaza", token: token)
            let history = try await joiner.nextArray()
            #expect(history.compactMap { $0["id"] as? String } == [ids[3], ids[1], ids[0]], "the deleted message is gone")
            #expect(history[1]["content"] as? String == "" && history[1]["redacted"] as? Bool == true && history[1]["seq"] as? Int == 2)
            #expect(history[0]["redacted"] == nil && history[0]["content"] as? String == "last")

            let resumed = TestSocket(url: "ws://127.0.0.1:\(chat.port)/ws/join/?name=plaza&since=\(ids[0])&token=\(token)")
            let missed = [try await resumed.nextObject(), try await resumed.nextObject()]
            #expect(missed.compactMap { $0["id"] as? String } == [ids[1], ids[3]])
            #expect(missed[0]["content"] as? String == "" && missed[0]["redacted"] as? Bool == true)

            // The room's newest deleted, the next post takes a new number: with Redis, every
            // node delivered the deleted one's and would drop a repeat of it.
            _ = try await moderation.delete(id: try #require(ObjectID(hex: ids[3])), reason: nil, by: "test@host")
            for socket in [one, two] {
                let deleted = try await socket.nextObject("the newest's deleted frame")
                #expect(deleted["type"] as? String == "deleted" && deleted["id"] as? String == ids[3], "\(deleted)")
            }
            one.send(TestSocket.message("after"))
            for socket in [one, two] {
                let next = try await socket.nextObject("the post after the delete")
                #expect(next["content"] as? String == "after" && next["seq"] as? Int == 5, "\(next)")
            }
            for socket in [one, two, other, joiner, resumed] { await socket.close() }
        }
    }
}

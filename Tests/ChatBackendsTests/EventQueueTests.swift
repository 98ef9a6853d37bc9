import ChatBackends
import ChatCore
import Logging
import Foundation
import Testing

@Suite("in-process event queues")
struct EventQueueTests {
    func event(_ content: String) -> MessageEvent {
        MessageEvent(message: Message(roomID: ObjectID(), roomName: "r", senderID: ObjectID(), senderName: "s", content: content))
    }

    @Test("events reach the consumer in order")
    func inOrder() async {
        let queue = InProcessEventQueue(capacity: 10, logger: Logger(label: "test"))
        for index in 0..<5 { await queue.publish(event("e\(index)")) }
        queue.finish()
        var received: [String] = []
        for await event in queue.events { received.append(event.content) }
        #expect(received == ["e0", "e1", "e2", "e3", "e4"])
        #expect(queue.droppedCount == 0)
    }

    @Test("a full buffer drops the oldest events and counts them")
    func boundedAndCounted() async {
        let queue = InProcessEventQueue(capacity: 3, logger: Logger(label: "test"))
        for index in 0..<5 { await queue.publish(event("e\(index)")) }
        queue.finish()
        var received: [String] = []
        for await event in queue.events { received.append(event.content) }
        #expect(received == ["e2", "e3", "e4"])
        #expect(queue.droppedCount == 2)
    }

    @Test("the discarding queue counts what it did not emit")
    func discarding() async {
        let queue = DiscardingEventQueue(logger: Logger(label: "test"))
        await queue.publish(event("a"))
        await queue.publish(event("b"))
        #expect(queue.discardedCount == 2)
    }

    @Test("the event's JSON has the Go service's field names")
    func goJSON() throws {
        let message = Message(roomID: ObjectID(), roomName: "r", senderID: ObjectID(), senderName: "s", content: "hi")
        let data = try JSONEncoder().encode(MessageEvent(message: message))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["ID", "Content", "SenderID", "RoomID", "Timestamp"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["ID"] as? String == message.id.hex)
        #expect(object["Timestamp"] as? String == RFC3339.string(from: message.timestamp))
        #expect(try JSONDecoder().decode(MessageEvent.self, from: data) == MessageEvent(message: message))
    }

    @Test("an event marshalled by the Go service (RFC3339Nano, offset) decodes")
    func fromGo() throws {
        let json = #"{"ID":"6671a52bcca20e318e617dd4","Content":"hi","SenderID":"6671a52bcca20e318e617dd5","RoomID":"6671a52bcca20e318e617dd6","Timestamp":"2024-06-18T15:04:05.123456789+02:00"}"#
        let event = try JSONDecoder().decode(MessageEvent.self, from: Data(json.utf8))
        #expect(event.content == "hi")
        #expect(RFC3339.string(from: event.timestamp) == "2024-06-18T13:04:05.123Z")
    }
}

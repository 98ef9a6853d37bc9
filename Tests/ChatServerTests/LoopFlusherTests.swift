@testable import ChatServer
import ChatCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// Counts the flushes that reach the socket end of the pipeline.
final class FlushCounter: ChannelOutboundHandler, @unchecked Sendable {
    // Touched on the embedded loop only.
    typealias OutboundIn = Any
    var flushes = 0

    func flush(context: ChannelHandlerContext) {
        flushes += 1
        context.flush()
    }
}

@Suite("one flush per socket for a burst of deliveries")
struct LoopFlusherTests {
    @Test("a delivery queued behind the first one's flush still leaves in the same flush")
    func burstSharesOneFlush() throws {
        let loop = EmbeddedEventLoop()
        let counter = FlushCounter()
        let channel = EmbeddedChannel(handler: counter, loop: loop)
        let connection = RoomConnection(roomID: ObjectID(), userID: ObjectID(), channel: channel, capacity: 16)
        let flusher = LoopFlusher(loop: loop)
        func deliver(_ text: String) {
            let frame = RoomConnection.Frame(messageID: ObjectID(), buffer: ByteBuffer(string: text))
            if connection.writeNow(frame, flush: false) { flusher.needsFlush(connection) }
        }
        // The second message's delivery is queued while the first one's runs, so after
        // the flush that the first one scheduled (as messages of one burst arrive).
        loop.execute {
            deliver("first")
            loop.execute { deliver("second") }
        }
        loop.run()
        #expect(counter.flushes == 1)
        var frames = 0
        while try channel.readOutbound(as: WebSocketFrame.self) != nil { frames += 1 }
        #expect(frames == 2, "both frames written")

        // A lone message later is flushed on its own, without waiting for anything.
        loop.execute { deliver("third") }
        loop.run()
        #expect(counter.flushes == 2)
        _ = try? channel.finish()
    }
}

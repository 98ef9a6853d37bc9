import ChatBackends
import ChatCore
import Foundation
import Logging
import Testing

@Suite("SQLite WAL checkpoints off the write path")
struct SQLiteCheckpointerTests {
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    @Test("with background checkpoints, commits leave pages in the WAL; the checkpointer moves them into the database file")
    func checkpoints() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-ckpt-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("chat.sqlite").path
        let store = try SQLiteChatStore(path: path, backgroundCheckpoints: true)
        let room = Room(name: "wal")
        try await store.insertRoom(room)
        let before = Self.fileSize(path)
        for batch in 0..<20 {
            _ = try await store.insertMessages((0..<100).map { index in
                Message(roomID: room.id, roomName: "wal", senderID: ObjectID(), senderName: "w", content: "message \(batch)-\(index) " + String(repeating: "x", count: 200))
            })
        }
        // Nothing checkpointed by the commits themselves.
        #expect(Self.fileSize(path) == before)
        #expect(Self.fileSize(path + "-wal") > 400_000)

        var logger = Logger(label: "checkpointer-test")
        logger.logLevel = .critical
        let checkpointer = SQLiteCheckpointer(store: store, interval: .milliseconds(50), logger: logger)
        let running = Task { try await checkpointer.run() }
        defer { running.cancel() }
        var grown = false
        for _ in 0..<100 where !grown {
            try await Task.sleep(for: .milliseconds(50))
            grown = Self.fileSize(path) > before + 400_000
        }
        #expect(grown, "database file \(Self.fileSize(path)) bytes, was \(before)")
        #expect(try await store.messageCounts(room: room.id).live == 2000)
    }
}

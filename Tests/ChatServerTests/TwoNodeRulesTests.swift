import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// Room rules set once (in the store, as `chatctl rooms set` does) hold on both chat
/// nodes sharing the store and Redis.
@Suite("room rules on two chat nodes", .enabled(if: RedisTestServer.shouldRun, Comment(rawValue: RedisTestServer.skipReason)))
struct TwoNodeRulesTests {
    @Test("a read-only room refuses a non-moderator's frame on both nodes and takes the moderator's on both; lifted, both take it again")
    func readOnlyOnBothNodes() async throws {
        try await TwoNodeTests.run { nodeA, nodeB in
            let aliceToken = try await nodeA.user("alice"), bobToken = try await nodeA.user("bob")
            _ = try await nodeA.createRoom("stage", token: aliceToken)
            let aliceOnA = nodeA.socket(room: "stage", token: aliceToken), aliceOnB = nodeB.socket(room: "stage", token: aliceToken)
            let bobOnA = nodeA.socket(room: "stage", token: bobToken), bobOnB = nodeB.socket(room: "stage", token: bobToken)
            let sockets = [aliceOnA, aliceOnB, bobOnA, bobOnB]
            for socket in sockets { _ = try await socket.nextArray() }
            try await TestSocket.awaitDelivery(from: aliceOnA, to: sockets)

            let store = nodeA.ports.store
            let room = try #require(try await store.room(named: "stage"))
            let alice = try #require(try await store.user(named: "alice"))
            let restrictions = RoomRestrictions(store: store, logger: nodeA.ports.logger)
            _ = try await restrictions.setRules(.init(readOnly: true, addModerators: [alice.id]), of: room)
            for bob in [bobOnA, bobOnB] {
                #expect(try await bob.probeUntilRefused() == "room is read-only: only its moderators post")
            }
            for (index, moderator) in [aliceOnA, aliceOnB].enumerated() {
                moderator.send(TestSocket.message("from moderator \(index)"))
                for socket in sockets {
                    #expect(try await socket.nextObjectSkippingProbes()["content"] as? String == "from moderator \(index)")
                }
            }
            _ = try await restrictions.setRules(.init(readOnly: false), of: room)
            for bob in [bobOnA, bobOnB] { try await bob.probeUntilAccepted() }
            for socket in sockets { await socket.close() }
        }
    }
}

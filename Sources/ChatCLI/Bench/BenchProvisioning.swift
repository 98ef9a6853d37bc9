import ChatCore
import ChatRuntime
import Foundation

/// Users, rooms and tokens for a bench run, made straight in the store (one bcrypt hash
/// for all, tokens signed with the configured secret), and deleted afterwards.
struct BenchProvisioning {
    let session: OperatorSession
    let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    struct Fixture {
        var users: [User]
        var rooms: [Room]
        var tokens: [String]
    }

    func make(users count: Int, rooms roomCount: Int) async throws -> Fixture {
        let authority = try await TokenTools.authority(session.settings, lifetime: .seconds(6 * 3600))
        let store = session.backends.store
        let hash = try await session.backends.hasher.hash(UUID().uuidString)
        var fixture = Fixture(users: [], rooms: [], tokens: [])
        for index in 0..<roomCount {
            let room = Room(name: "bench-\(tag)-\(index)")
            try await store.insertRoom(room)
            fixture.rooms.append(room)
        }
        for index in 0..<count {
            let user = User(username: "bench-\(tag)-\(index)", email: "bench-\(tag)-\(index)@bench.chatctl.invalid", passwordHash: hash)
            try await store.insertUser(user)
            fixture.users.append(user)
            fixture.tokens.append(try await authority.issue(for: user))
        }
        return fixture
    }

    /// Deletes the fixture's rooms (with their messages) and users (with their notifications).
    func remove(_ fixture: Fixture) async throws {
        let rooms = RoomAdministration(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
        for room in fixture.rooms { _ = try await rooms.delete(room, archiveMessages: false) }
        for user in fixture.users { _ = try await session.backends.store.deleteUser(id: user.id) }
    }
}

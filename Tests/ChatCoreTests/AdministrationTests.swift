import ChatInProcess
import ChatCore
import Foundation
import Testing

@Suite("user and room administration")
struct AdministrationTests {
    @Test("disabled: login refused only after the right password, tokens refused, a session end recorded; enable undoes it")
    func disable() async throws {
        let t = await TestPorts()
        let carol = try await t.user("carol")
        let token = try await LogIn(ports: t.ports)(username: "carol", password: "correct horse").token
        let before = Date().addingTimeInterval(-1)
        let disabled = try await UserAdministration(ports: t.ports).setDisabled(true, username: "carol")
        #expect(disabled.disabled)
        await #expect(throws: ChatError.userDisabled) { try await LogIn(ports: t.ports)(username: "carol", password: "correct horse") }
        await #expect(throws: ChatError.invalidCredentials) { try await LogIn(ports: t.ports)(username: "carol", password: "wrong horse") }
        await #expect(throws: ChatError.unauthorized("user is disabled")) { try await Authenticate(ports: t.ports)(token: token) }
        let ends = try await t.ports.store.sessionEnds(since: before)
        #expect(ends.map(\.userID) == [carol.id])
        #expect(ends.map(\.reason) == [UserAdministration.EndReason.disabled])

        _ = try await UserAdministration(ports: t.ports).setDisabled(false, username: "carol")
        _ = try await LogIn(ports: t.ports)(username: "carol", password: "correct horse")
        _ = try await Authenticate(ports: t.ports)(token: token)
        #expect(try await t.ports.store.sessionEnds(since: before).count == 1)  // enabling ends nothing
    }

    @Test("set password: new one works, old one refused, rules of sign-up apply, sessions end")
    func setPassword() async throws {
        let t = await TestPorts()
        _ = try await t.user("dan")
        let admin = UserAdministration(ports: t.ports)
        await #expect(throws: ChatError.invalid("password", "password must be 8 to 72 bytes")) { try await admin.setPassword(username: "dan", password: "short") }
        await #expect(throws: ChatError.userNotFound) { try await admin.setPassword(username: "nobody", password: "long enough") }
        _ = try await admin.setPassword(username: "dan", password: "battery staple")
        _ = try await LogIn(ports: t.ports)(username: "dan", password: "battery staple")
        await #expect(throws: ChatError.invalidCredentials) { try await LogIn(ports: t.ports)(username: "dan", password: "correct horse") }
        #expect(try await t.ports.store.sessionEnds(since: .distantPast).map(\.reason) == [UserAdministration.EndReason.passwordChanged])
    }

    @Test("delete user: gone from the store and its rooms; its token is refused")
    func deleteUser() async throws {
        let t = await TestPorts()
        let erin = try await t.user("erin")
        let token = try await LogIn(ports: t.ports)(username: "erin", password: "correct horse").token
        let room = try await CreateRoom(ports: t.ports)(name: "lobby", creator: erin)
        _ = try await UserAdministration(ports: t.ports).delete(username: "erin")
        #expect(try await t.ports.store.user(named: "erin") == nil)
        #expect(try await t.ports.store.room(id: room.id)?.members == [])
        await #expect(throws: ChatError.unauthorized("token user no longer exists")) { try await Authenticate(ports: t.ports)(token: token) }
        await #expect(throws: ChatError.userNotFound) { try await UserAdministration(ports: t.ports).delete(username: "erin") }
    }

    @Test("rooms: add and remove members (idempotent answers), members with unknown ids apart")
    func members() async throws {
        let t = await TestPorts()
        let a = try await t.user("anna"), b = try await t.user("bert")
        let admin = RoomAdministration(ports: t.ports)
        var room = try await CreateRoom(ports: t.ports)(name: "lobby", creator: a)
        #expect(try await admin.addMember(b, to: room))
        room = try await admin.room(named: "lobby")
        #expect(try await admin.addMember(b, to: room) == false)
        try await t.ports.store.addMember(ObjectID(), toRoom: room.id)
        room = try await admin.room(named: "lobby")
        let members = try await admin.members(of: room)
        #expect(members.users.map(\.username) == ["anna", "bert"])
        #expect(members.unknownIDs.count == 1)
        #expect(try await admin.removeMember(a, from: room))
        #expect(try await admin.removeMember(a, from: room) == false)
        await #expect(throws: ChatError.roomNotFound) { try await admin.room(named: "nope") }
    }

    @Test("delete room: messages archived (or deleted) in batches with progress, then the room; a rerun of the name is free")
    func deleteRoom() async throws {
        for archive in [true, false] {
            let t = await TestPorts()
            let a = try await t.user("anna")
            let room = try await CreateRoom(ports: t.ports)(name: "doomed", creator: a)
            let other = try await CreateRoom(ports: t.ports)(name: "kept", creator: a)
            for index in 0..<25 { _ = try await PostMessage(ports: t.ports)(content: "m\(index)", from: a, in: room) }
            _ = try await PostMessage(ports: t.ports)(content: "stay", from: a, in: other)
            let steps = ProgressRecorder()
            let report = try await RoomAdministration(ports: t.ports).delete(room, archiveMessages: archive, batchSize: 10) { done, total in
                await steps.record(done, total)
            }
            #expect(report.archived == (archive ? 25 : 0))
            #expect(report.deleted == (archive ? 0 : 25))
            #expect(await steps.steps.map(\.0) == [10, 20, 25])
            #expect(await steps.steps.allSatisfy { $0.1 == 25 })
            #expect(try await t.ports.store.room(named: "doomed") == nil)
            let counts = try await t.ports.store.messageCounts(room: room.id)
            #expect(counts.live == 0)
            #expect(counts.archived == (archive ? 25 : 0))
            #expect(try await t.ports.store.messageCounts(room: other.id).live == 1)
        }
    }
}

actor ProgressRecorder {
    var steps: [(Int, Int)] = []
    func record(_ done: Int, _ total: Int) { steps.append((done, total)) }
}

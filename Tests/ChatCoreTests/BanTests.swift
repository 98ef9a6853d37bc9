import ChatCore
import ChatInProcess
import Foundation
import InProcessTestSupport
import Testing

@Suite("bans")
struct BanTests {
    @Test("ban: login refused (403) with the reason and end only after the right password, tokens refused, sessions ended; it ends by itself; tokens from before it stay refused")
    func endsByItself() async throws {
        let t = await TestPorts()
        let mia = try await t.user("mia")
        let before = try await LogIn(ports: t.ports)(username: "mia", password: "correct horse").token
        let since = Date().addingTimeInterval(-1)
        // An hour: the checks below must all see it in force, however slow the machine.
        let admin = UserAdministration(ports: t.ports)
        let banned = try await admin.ban(username: "mia", for: 3600, reason: " spam wave ", by: "root@ops1")
        let ban = try #require(banned.ban)
        #expect(ban.reason == "spam wave" && ban.by == "root@ops1")
        #expect(abs((ban.until?.timeIntervalSince(ban.at) ?? 0) - 3600) < 0.01)
        #expect(try await t.ports.store.user(id: mia.id)?.ban == ban)
        #expect(banned.standing() == .banned(ban))

        do {
            _ = try await LogIn(ports: t.ports)(username: "mia", password: "correct horse")
            Issue.record("a banned user logged in")
        } catch let error as ChatError {
            #expect(error.kind == .forbidden && error.message == "user is banned" && error.field == "username")
            #expect(error.explanation == "banned until \(RFC3339.string(from: ban.until!)): spam wave")
        }
        await #expect(throws: ChatError.invalidCredentials) { try await LogIn(ports: t.ports)(username: "mia", password: "wrong horse") }
        await #expect(throws: ChatError.bannedToken) { try await Authenticate(ports: t.ports)(token: before) }
        let ends = try await t.ports.store.sessionEnds(since: since)
        #expect(ends.map(\.userID) == [mia.id] && ends.map(\.reason) == ["user banned"])

        // No job: banned again for two seconds (replacing the hour), the user gets in again
        // once the end has passed. (Longer than a second: a token's issue time is known to
        // the second, and one issued after a ban shorter than that could pass for one from
        // before it.)
        let brief = try await admin.ban(username: "mia", for: 2, reason: "spam wave", by: "root@ops1")
        #expect(brief.ban?.until.map { $0 < ban.until! } == true)
        let after = try await waitUntil { (try? await LogIn(ports: t.ports)(username: "mia", password: "correct horse")) != nil }
        #expect(after, "the ban did not end by itself")
        let fresh = try await LogIn(ports: t.ports)(username: "mia", password: "correct horse").token
        #expect(try await Authenticate(ports: t.ports)(token: fresh).user.id == mia.id)
        await #expect(throws: ChatError.tokenBeforeBan) { try await Authenticate(ports: t.ports)(token: before) }
        #expect(try await t.ports.store.user(id: mia.id)?.standing() == .active)
    }

    @Test("unban ends a ban now and keeps its start; twice says it was not banned; banning again replaces the ban; a disable outranks a ban")
    func unban() async throws {
        let t = await TestPorts()
        _ = try await t.user("ned")
        let admin = UserAdministration(ports: t.ports)
        let first = try await admin.ban(username: "ned", for: nil, reason: nil, by: "root@ops1")
        #expect(first.ban?.until == nil && first.ban?.explanation == "banned with no end")
        let second = try await admin.ban(username: "ned", for: 7 * 86_400, reason: "again", by: "root@ops2")
        #expect(second.ban?.reason == "again" && second.ban?.until != nil)
        let (lifted, wasBanned) = try await admin.unban(username: "ned")
        #expect(wasBanned && lifted.ban?.at == second.ban?.at && lifted.ban?.isActive(at: Date()) == false)
        _ = try await LogIn(ports: t.ports)(username: "ned", password: "correct horse")
        #expect(try await !admin.unban(username: "ned").wasBanned)

        _ = try await admin.ban(username: "ned", for: nil, reason: nil, by: "root@ops1")
        _ = try await admin.setDisabled(true, username: "ned")
        await #expect(throws: ChatError.userDisabled) { try await LogIn(ports: t.ports)(username: "ned", password: "correct horse") }
        await #expect(throws: ChatError.userNotFound) { try await admin.ban(username: "nobody", for: nil, reason: nil, by: "root@ops1") }
        await #expect(throws: ChatError.invalid("reason", "reason exceeds 500 bytes")) {
            try await admin.ban(username: "ned", for: nil, reason: String(repeating: "x", count: 501), by: "root@ops1")
        }
        await #expect(throws: ChatError.self) { try await admin.ban(username: "ned", for: -1, reason: nil, by: "root@ops1") }
    }

    @Test("a token is judged by when it was issued: before the ban's start refused, after it accepted; unknown issue times by the standing alone")
    func tokenIssueTime() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let user = User(username: "ola", email: "ola@example.com", passwordHash: "x", ban: Ban(at: start, until: start.addingTimeInterval(60), by: "root@ops1"))
        #expect(user.refusesToken(issuedAt: start.addingTimeInterval(-1)))
        #expect(!user.refusesToken(issuedAt: start.addingTimeInterval(61)))
        #expect(!user.refusesToken(issuedAt: nil))
        #expect(user.standing(at: start.addingTimeInterval(30)) == .banned(user.ban!))
        #expect(user.standing(at: start.addingTimeInterval(60)) == .active)
        #expect(!User(username: "pia", email: "pia@example.com", passwordHash: "x").refusesToken(issuedAt: start))
    }
}

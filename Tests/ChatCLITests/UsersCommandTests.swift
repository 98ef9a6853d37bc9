import ChatTestSupport
import Foundation
import NIOWebSocket
import Testing

@Suite("chatctl users")
struct UsersCommandTests {
    static func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-users-\(UUID().uuidString)").path
    }

    @Test("create reads the password from stdin or a file (never argv); list, search, show and --json; errors name the field and exit 1")
    func createListShow() async throws {
        let store = ["--data-dir", Self.dataDir()]
        let created = try await ChatctlProcess.run(["users", "create", "alice", "--email", "alice@example.com", "--password-stdin", "--json"] + store, stdin: "correct horse\n")
        #expect(created.status == 0, "\(created.stderr)")
        let alice = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        #expect(alice["username"] as? String == "alice" && alice["disabled"] as? Bool == false && alice["passwordHash"] == nil)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try "battery staple\nignored second line\n".write(to: file, atomically: true, encoding: .utf8)
        let bob = try await ChatctlProcess.run(["users", "create", "bob", "--email", "bob@corp.example", "--password-file", file.path] + store)
        #expect(bob.status == 0 && bob.stdout.hasPrefix("created user bob ("), "\(bob.stderr)")

        // No way to put a password in argv; without stdin or a file on a non-terminal: a clear error.
        let argv = try await ChatctlProcess.run(["users", "create", "carl", "--email", "c@example.com", "--password", "secret123"] + store)
        #expect(argv.status == 64)
        let noPassword = try await ChatctlProcess.run(["users", "create", "carl", "--email", "c@example.com"] + store)
        #expect(noPassword.status == 1 && noPassword.stderr.contains("--password-stdin or --password-file"))
        let short = try await ChatctlProcess.run(["users", "create", "carl", "--email", "c@example.com", "--password-stdin"] + store, stdin: "short\n")
        #expect(short.status == 1 && short.stderr.contains("password must be 8 to 72 bytes"))
        let taken = try await ChatctlProcess.run(["users", "create", "alice", "--email", "other@example.com", "--password-stdin"] + store, stdin: "correct horse\n")
        #expect(taken.status == 1 && taken.stderr.contains("username already exists"))
        let badEmail = try await ChatctlProcess.run(["users", "create", "carl", "--email", "nope", "--password-stdin"] + store, stdin: "correct horse\n")
        #expect(badEmail.status == 1 && badEmail.stderr.contains("email is not a valid address"))

        #expect(try await ChatctlProcess.run(["users", "list", "-q"] + store).stdout == "alice\nbob\n")
        #expect(try await ChatctlProcess.run(["users", "list", "-q", "--search", "CORP"] + store).stdout == "bob\n")
        #expect(try await ChatctlProcess.run(["users", "list", "-q", "--limit", "1"] + store).stdout == "alice\n")
        let table = try await ChatctlProcess.run(["users", "list"] + store)
        #expect(table.stdout.hasPrefix("USERNAME") && table.stdout.contains("bob@corp.example") && table.stdout.contains("active"))
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try await ChatctlProcess.run(["users", "list", "--json"] + store).stdout.utf8)) as? [String: Any])
        #expect((listed["users"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["alice@example.com", "bob@corp.example"])

        let show = try await ChatctlProcess.run(["users", "show", "bob"] + store)
        #expect(show.status == 0 && show.stdout.contains("email bob@corp.example") && show.stdout.contains("rooms (0): none"))
        let byID = try await ChatctlProcess.run(["users", "show", try #require(alice["id"] as? String), "--json"] + store)
        #expect(byID.stdout.contains(#""username" : "alice""#))
        let missing = try await ChatctlProcess.run(["users", "show", "nobody"] + store)
        #expect(missing.status == 1 && missing.stderr.contains("user 'nobody' does not exist"))
    }

    @Test("disable closes the user's live room and notification sockets with 1008 and refuses login (403) and its token; enable, set-password and delete (confirmed) work against a running server")
    func disableAgainstRunningServer() async throws {
        let dataDir = Self.dataDir()
        let store = ["--data-dir", dataDir]
        let server = try ChatctlProcess(
            ["serve", "all", "--host", "127.0.0.1", "--port", "0", "--notify-port", "0"] + store, environment: ["SECRET_KEY": "users-cli-secret-0123456789abcdef"])
        defer { server.stop() }
        let chat = "http://127.0.0.1:\(try await server.waitForListeningPort())"
        let notify = "ws://127.0.0.1:\(try await server.waitForNotifyPort())"
        let people = try await NotificationServiceTests.members(["mia", "ned"], room: "plaza", chat: chat)
        let ws = chat.replacingOccurrences(of: "http", with: "ws")
        let mia = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[0].token)")
        let ned = TestSocket(url: "\(ws)/ws/join/?name=plaza&token=\(people[1].token)")
        _ = try await mia.nextArray()
        _ = try await ned.nextArray()
        // Mia's notification socket must be in the hub before the disable, or it is not
        // there to close (and a later upgrade is refused). It gets no frame on joining: wait
        // for the process to count it beside the two room sockets (once it has let go of
        // the members' earlier ones).
        let roomSocketsOnly = try await PrometheusText.waitForOpenConnections(2, at: chat)
        try #require(roomSocketsOnly, "the members' earlier room sockets are still open")
        let miaNotifications = TestSocket(url: "\(notify)/ws/join-notification/?token=\(people[0].token)")
        let registered = try await PrometheusText.waitForOpenConnections(3, at: chat)
        try #require(registered, "mia's notification socket was never registered")
        #expect(try await miaNotifications.expectSilence(seconds: 0.2) == nil)

        let disable = try await ChatctlProcess.run(["users", "disable", "mia"] + store)
        #expect(disable.status == 0 && disable.stdout.contains("disabled mia"), "\(disable.stderr)")
        let close = try await mia.closeFrame()
        #expect(close?.closeCode == .policyViolation && close?.reason == "user disabled", "close: \(String(describing: close)); server:\n\(server.stderr.suffix(1500))")
        let notificationClose = try await miaNotifications.closeFrame()
        #expect(notificationClose?.closeCode == .policyViolation && notificationClose?.reason == "user disabled")
        // The other user's socket is untouched.
        ned.send(#"{"type":"message","content":"still here"}"#)
        #expect(try await ned.nextObject()["content"] as? String == "still here")

        let login = try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "mia", "password": "correct horse"])
        #expect(login.0 == 403 && login.1["error"] as? String == "user is disabled")
        let wrong = try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "mia", "password": "wrong horse"])
        #expect(wrong.0 == 400)
        let withOldToken = try await TestHTTP.request("GET", "\(chat)/api/room/list/", token: people[0].token)
        #expect(withOldToken.0 == 401)
        #expect(try await ChatctlProcess.run(["users", "list"] + store).stdout.contains("disabled"))

        #expect(try await ChatctlProcess.run(["users", "enable", "mia"] + store).status == 0)
        #expect(try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "mia", "password": "correct horse"]).0 == 200)

        let changed = try await ChatctlProcess.run(["users", "set-password", "ned", "--password-stdin"] + store, stdin: "battery staple\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        let nedClose = try await ned.closeFrame()
        #expect(nedClose?.closeCode == .policyViolation && nedClose?.reason == "password changed")
        #expect(try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "ned", "password": "battery staple"]).0 == 200)
        #expect(try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "ned", "password": "correct horse"]).0 == 400)

        // Destructive: refused without --yes when stdin is not a terminal.
        let unconfirmed = try await ChatctlProcess.run(["users", "delete", "ned"] + store)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"))
        #expect(try await ChatctlProcess.run(["users", "show", "ned"] + store).status == 0)
        let deleted = try await ChatctlProcess.run(["users", "delete", "ned", "--yes", "--json"] + store)
        #expect(deleted.status == 0 && deleted.stdout.contains(#""username" : "ned""#))
        #expect(try await ChatctlProcess.run(["rooms", "show", "plaza"] + store).stdout.contains("members (1): mia"))
        #expect(try await TestHTTP.request("POST", "\(chat)/api/user/login/", ["username": "ned", "password": "battery staple"]).0 == 400)
        await ned.close()
    }
}

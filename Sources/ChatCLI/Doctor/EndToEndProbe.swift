import ChatClient
import Foundation
import HTTPTypes

/// `chatctl doctor --e2e`: a user's whole path through a running deployment, hop by
/// hop with its latency — sign up two probe users, log in, create a probe room, join it
/// over WebSocket, connect the receiver's notification socket, post, see the frame
/// arrive at the other member, see the notification arrive — then clean up.
struct EndToEndProbe {
    /// One hop; its exit code is what `doctor` exits with when it is the first to fail.
    enum Hop: String, CaseIterable, Encodable {
        case signUp = "signup"
        case logIn = "login"
        case createRoom = "create-room"
        case joinRoom = "join-room"
        case joinNotifications = "join-notifications"
        case post
        case notification
        case cleanup

        var exitCode: Int32 { 20 + Int32(Self.allCases.firstIndex(of: self)!) }

        /// For `--help` and the man page.
        var summary: String {
            switch self {
            case .signUp: "POST /api/user/signup/ for two probe users"
            case .logIn: "POST /api/user/login/ for both"
            case .createRoom: "POST /api/room/create/ for a probe room"
            case .joinRoom: "both join it on /ws/join/ and get the recent-messages frame"
            case .joinNotifications: "the receiver connects to /ws/join-notification/"
            case .post: "the sender posts; the receiver sees the frame"
            case .notification: "the receiver's notification arrives"
            case .cleanup: "probe users, room and messages deleted from the configured store"
            }
        }
    }

    /// One hop's outcome.
    struct Result: Encodable {
        var hop: Hop
        var ok: Bool
        var milliseconds: Double
        var detail: String?
        var exitCode: Int32
    }

    let chat: ChatHTTPClient
    /// `ws://host:port` of the notification service.
    let notifyBase: String
    let timeout: Duration

    /// Names the probe uses (unique per run, valid usernames and room names).
    struct Names: Sendable {
        let tag = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10)).lowercased()
        var sender: String { "doctor-probe-\(tag)-a" }
        var receiver: String { "doctor-probe-\(tag)-b" }
        var room: String { "doctor-probe-\(tag)" }
        let password = UUID().uuidString
    }

    /// Runs every hop until one fails, then always `cleanup` with the names used and
    /// whether the service said both users were signed up.
    func run(cleanup: (Names, Bool) async throws -> Void) async -> [Result] {
        let names = Names()
        let recorder = HopRecorder()
        let sockets = await probe(names, recorder)
        for socket in sockets { await socket.close() }
        let signedUp = recorder.results.contains { $0.hop == .signUp && $0.ok }
        _ = await recorder.step(.cleanup) { try await cleanup(names, signedUp) }
        return recorder.results
    }

    /// The hops up to the first failure; returns the sockets to close.
    private func probe(_ names: Names, _ recorder: HopRecorder) async -> [ChatSocket] {
        var sockets: [ChatSocket] = []
        let users = [names.sender, names.receiver]
        guard await recorder.step(.signUp, {
            for user in users {
                let response = try await chat.send(.POST, "/api/user/signup/", json: ["username": user, "email": "\(user)@doctor.chatctl.invalid", "password": names.password])
                try Self.expectSuccess(response, "sign-up of \(user)")
            }
        }) else { return sockets }
        guard let tokens = await recorder.hop(.logIn, {
            try await users.asyncMap { user in
                let response = try await chat.send(.POST, "/api/user/login/", json: ["username": user, "password": names.password])
                try Self.expectSuccess(response, "login of \(user)")
                guard let token = response.object["token"] as? String else { throw ChatClientError("login of \(user) answered without a token") }
                return token
            }
        }) else { return sockets }
        guard await recorder.step(.createRoom, {
            try Self.expectSuccess(try await chat.send(.POST, "/api/room/create/", json: ["name": names.room], token: tokens[0]), "room creation")
        }) else { return sockets }
        // The token in the Authorization header, the one way the Go services accept it
        // (and kept out of URLs, which proxies log).
        let roomSockets = tokens.map { ChatSocket(url: "\(chat.webSocketBase)/ws/join/?name=\(names.room)", headers: Self.bearer($0)) }
        sockets += roomSockets
        guard await recorder.step(.joinRoom, {
            for socket in roomSockets {
                let history = try await socket.next(within: timeout, what: "the recent-messages frame")
                guard history.hasPrefix("[") else { throw ChatClientError("expected the recent-messages array, got \(history.prefix(200))") }
            }
        }) else { return sockets }
        let inbox = ChatSocket(url: "\(notifyBase)/ws/join-notification/", headers: Self.bearer(tokens[1]))
        sockets.append(inbox)
        guard await recorder.step(.joinNotifications, { try await inbox.open(within: timeout) }) else { return sockets }

        let content = "doctor probe \(names.tag)"
        let posted = ContinuousClock.now
        guard await recorder.step(.post, {
            roomSockets[0].send(#"{"type":"message","content":"\#(content)"}"#)
            try await Self.frame(containing: content, on: roomSockets[1], within: timeout, what: "the posted message at the other member")
        }) else { return sockets }
        // Measured from the post: the notification's whole path (store, queue, notify service).
        let notified = await recorder.hop(.notification) {
            try await Self.frame(containing: content, on: inbox, within: timeout, what: "the notification")
            return Self.milliseconds(since: posted)
        }
        if let notified { recorder.setMilliseconds(of: .notification, notified) }
        return sockets
    }

    /// Waits for a frame with `content`, skipping others (bounded by `timeout` overall).
    static func frame(containing content: String, on socket: ChatSocket, within timeout: Duration, what: String) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw ChatClientError.timedOut(what, after: timeout) }
            let frame = try await socket.next(within: left, what: what)
            if let object = (try? JSONSerialization.jsonObject(with: Data(frame.utf8))) as? [String: Any] {
                if let error = object["error"] as? String { throw ChatClientError("the service answered with an error frame: \(error)") }
                if object["content"] as? String == content || object["Content"] as? String == content { return }
            }
        }
    }

    static func expectSuccess(_ response: ChatHTTPClient.Response, _ what: String) throws {
        guard (200..<300).contains(response.status) else {
            let reason = (response.object["error"] as? String) ?? String(response.text.prefix(200))
            throw ChatClientError("\(what) answered \(response.status): \(reason)")
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return ((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) * 10).rounded() / 10
    }
}

/// Runs hops, timing each and keeping its outcome.
final class HopRecorder {
    private(set) var results: [EndToEndProbe.Result] = []

    /// Runs `body` as `hop`; nil when it failed (the failure is recorded).
    func hop<T>(_ hop: EndToEndProbe.Hop, _ body: () async throws -> T) async -> T? {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            results.append(.init(hop: hop, ok: true, milliseconds: EndToEndProbe.milliseconds(since: start), detail: nil, exitCode: hop.exitCode))
            return value
        } catch {
            results.append(.init(hop: hop, ok: false, milliseconds: EndToEndProbe.milliseconds(since: start), detail: "\(error)", exitCode: hop.exitCode))
            return nil
        }
    }

    /// Runs `body` as `hop`; false when it failed.
    func step(_ hop: EndToEndProbe.Hop, _ body: () async throws -> Void) async -> Bool {
        await self.hop(hop, body) != nil
    }

    func setMilliseconds(of hop: EndToEndProbe.Hop, _ milliseconds: Double) {
        if let index = results.lastIndex(where: { $0.hop == hop }) { results[index].milliseconds = milliseconds }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}

extension EndToEndProbe {
    /// `Authorization: Bearer <token>` for a WebSocket upgrade.
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
}

import ChatCore
import ChatRuntime
import Foundation
import Logging

/// Where `chatctl post` posts: the one rule, decided here.
///
/// A running chat node posts it, through its operator API
/// (`POST /admin/rooms/<room id>/messages`, `RoomPostAdminRoutes`), with the same
/// `PostMessage` its sockets' posts take. That node holds the deployment's fan-out (its
/// own hub, and with Redis every node's) and event path (RabbitMQ, or the in-process
/// queue of `serve all`). A one-shot process reaches neither on the embedded default,
/// where both live inside the serving process, and never reaches the in-process queue of
/// `serve all` nodes beside Redis: asking a node is right on every deployment, so it is
/// the one path, with or without Redis. The registered chat nodes are asked in turn (by
/// id); one that does not answer is left out for the rest of the command. Each
/// announcement carries its own client id, so a retry on another node — or here — stores
/// it once however often it was sent.
///
/// When no chat node could be asked (none is registered, or none answered), the command
/// posts it itself (`OperatorBackends.postingPorts`): stored with the room's next `seq`,
/// in its history for the next join; a warning on stderr (once) says that no live socket
/// saw it and no member was notified.
struct AnnouncementPoster {
    /// How long a node may take to post (store, event confirmation, fan-out) before the
    /// next is asked.
    static let timeout: Duration = .seconds(10)

    /// Who posted one announcement.
    enum Route: Sendable, Equatable {
        /// This chat node (its id): the room's live sockets and its members were told.
        case node(String)
        /// The command itself: stored only.
        case here

        /// The node's id, nil for `here`.
        var nodeID: String? {
            if case .node(let id) = self { return id }
            return nil
        }
    }

    /// One announcement as stored, and who posted it.
    struct Posted: Sendable {
        var record: PostedMessageRecord
        var route: Route
    }

    private let session: OperatorSession
    private let api: OperatorAPIClient?
    /// The chat nodes still to ask, in order.
    private var nodes: [NodeRecord]
    /// The chat nodes that did not answer (for the warning).
    private var unanswered: [String] = []
    /// Made on the first post here.
    private var localPorts: ChatPorts?
    private var warned = false

    private init(session: OperatorSession, api: OperatorAPIClient?, nodes: [NodeRecord]) {
        self.session = session
        self.api = api
        self.nodes = nodes
    }

    /// A poster asking the chat nodes registered now.
    ///
    /// - Throws: `RuntimeError` when chat nodes are running but no secret key is
    ///   configured to sign the operator token that asks them.
    static func make(_ session: OperatorSession) async throws -> AnnouncementPoster {
        let nodes = try await session.backends.nodes.liveNodes(at: Date())
            .filter { $0.roles.contains(ServiceRole.chat.rawValue) && $0.admin != nil }
            .sorted { $0.id < $1.id }
        guard !nodes.isEmpty else { return AnnouncementPoster(session: session, api: nil, nodes: []) }
        let api: OperatorAPIClient
        do {
            api = try await OperatorAPIClient.make(session.settings)
        } catch {
            throw RuntimeError("\(nodes.count) chat node(s) are running and one must post it, which needs an operator token: \(error)")
        }
        return AnnouncementPoster(session: session, api: api, nodes: nodes)
    }

    /// Posts `content` in `room` as `announcer`: by the first chat node that answers,
    /// else here.
    ///
    /// - Throws: `RuntimeError` with a node's refusal (the use case's: the content, a user
    ///   who may not post there; or a refused token) — no other node is asked then; the
    ///   use case's `ChatError` when it is posted here and refused.
    mutating func post(_ content: String, as announcer: Announcer, in room: Room) async throws -> Posted {
        let request = AnnouncementRequest(announcer, content: content, clientID: "chatctl-post-" + RandomHex.make(bytes: 12))
        if let api {
            while let node = nodes.first {
                do throws(OperatorAPIClient.Failure) {
                    let record = try await api.post(
                        "/admin/rooms/\(room.id.hex)/messages", request, to: node, as: PostedMessageRecord.self, timeout: Self.timeout)
                    return Posted(record: record, route: .node(node.id))
                } catch {
                    switch error {
                    case .unreachable, .noOperatorAPI:
                        session.logger.warning("a chat node does not answer; asking the next", metadata: ["node": "\(node.id)", "error": "\(error)"])
                        unanswered.append(node.id)
                        nodes.removeFirst()
                    case .refused(let status, let message) where status != 401 && (400..<500).contains(status):
                        throw RuntimeError("\(room.name): \(message)")
                    default:
                        throw RuntimeError("\(room.name): chat node \(node.id) \(error)")
                    }
                }
            }
        }
        if !warned {
            warned = true
            let why = unanswered.isEmpty ? "no chat node is running" : "no chat node answered (\(unanswered.joined(separator: ", ")))"
            session.logger.warning(
                "\(why): the announcement is stored and in the room's history, but no live socket saw it and no member was notified")
        }
        if localPorts == nil { localPorts = await session.backends.postingPorts(logger: session.logger) }
        guard let ports = localPorts else { throw RuntimeError("\(room.name): cannot post here") }
        let posted = try await PostMessage(ports: ports).announce(content: content, clientID: request.clientID, as: announcer, in: room)
        return Posted(record: PostedMessageRecord(posted), route: .here)
    }
}

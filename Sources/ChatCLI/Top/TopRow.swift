import ChatCore
import Foundation

/// One node in `chatctl top`: its figures over the window since the sample before (or
/// since it started), or why it gave none. `--json` prints it as it is; a figure the node
/// does not expose (or a percentile with nothing observed) is left out there and shows
/// as `-` on a terminal.
struct TopRow: Encodable, Sendable {
    var node: String
    var roles: [String]
    /// The seconds the figures cover.
    var windowSeconds: Double?
    /// Whether the window is the node's whole life (its first sample in this run).
    var sinceStart: Bool?
    var connections: Int?
    var rooms: Int?
    var messagesPerSecond: Double?
    var deliveriesPerSecond: Double?
    var fanoutP99Seconds: Double?
    var storeP99Seconds: Double?
    var eventQueueDepth: Int?
    var errorsPerSecond: Double?
    /// Messages posted on the node since it started.
    var messages: Double?
    /// Why the node gave no figures (it did not answer, or runs no operator API).
    var error: String?

    init(node: NodeRecord, rates: NodeRates, sinceStart: Bool) {
        self.node = node.id
        roles = node.roles
        windowSeconds = rates.seconds
        self.sinceStart = sinceStart
        connections = rates.connections
        rooms = rates.rooms
        messagesPerSecond = rates.messagesPerSecond
        deliveriesPerSecond = rates.deliveriesPerSecond
        fanoutP99Seconds = rates.fanoutP99
        storeP99Seconds = rates.storeP99
        eventQueueDepth = rates.eventQueueDepth
        errorsPerSecond = rates.errorsPerSecond
        messages = rates.messagesTotal
    }

    init(node: NodeRecord, error: String) {
        self.node = node.id
        roles = node.roles
        self.error = error
    }

    /// The columns a terminal shows, after the node id.
    static let header = ["NODE", "ROLES", "CONN", "ROOMS", "MSG/S", "DELIV/S", "FANOUT P99", "STORE P99", "EVENTQ", "ERR/S"]

    /// `all` for a node of every role (`serve all`), else its roles.
    var rolesText: String {
        Set(roles) == Set(["chat", "notify", "scheduler"]) ? "all" : roles.joined(separator: ",")
    }

    /// The figures after the node id and roles, as `header` names them.
    var figures: [String] {
        [
            FigureText.count(connections), FigureText.count(rooms), FigureText.rate(messagesPerSecond),
            FigureText.rate(deliveriesPerSecond), FigureText.latency(fanoutP99Seconds), FigureText.latency(storeP99Seconds),
            FigureText.count(eventQueueDepth), FigureText.rate(errorsPerSecond),
        ]
    }
}

/// One sample of every running node, as `chatctl top` shows it: a frame on a terminal,
/// one JSON line otherwise.
struct TopFrame: Encodable, Sendable {
    /// When the sample was taken.
    var time: Date
    var nodes: [TopRow]
    /// Why there are no rows (the node registry could not be read).
    var error: String?

    enum CodingKeys: String, CodingKey {
        case at, nodes, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RFC3339.string(from: time), forKey: .at)
        try container.encode(nodes, forKey: .nodes)
        try container.encodeIfPresent(error, forKey: .error)
    }

    /// Whether the registry was read and every node answered.
    var isComplete: Bool { error == nil && nodes.allSatisfy { $0.error == nil } }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The frame as one line of JSON (no line break in it).
    func jsonLine() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }
}

import Foundation

/// One serving process as the node registry holds it: who it is, what it serves and
/// where, where its operator API listens, and a few live figures, as of `refreshedAt`.
///
/// Encoded the same way everywhere (`json()`, `decode(_:)`): in Redis, in the store,
/// from the operator API and in `chatctl nodes list --json`; dates are RFC 3339 strings.
public struct NodeRecord: Sendable, Hashable, Codable {
    /// Where one of the node's servers listens.
    public struct Address: Sendable, Hashable, Codable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, an IPv6 address in brackets.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Stable for the life of the process, new at every start: `<host>-<pid>-<random>`.
    public var id: String
    /// The services it runs (`chat`, `notify`, `scheduler`), sorted.
    public var roles: [String]
    /// The machine's host name.
    public var host: String
    public var pid: Int
    /// The binary's version (`chatctl --version`).
    public var version: String
    public var startedAt: Date
    /// The public port of each service that has one, by role (`chat`, `notify`; a
    /// scheduler alone: its status endpoints).
    public var ports: [String: Int]
    /// The operator API; nil for a process that runs none (no secret key to check
    /// operator tokens with).
    public var admin: Address?
    /// WebSockets open on the node (room and notification sockets).
    public var connections: Int
    /// Rooms with at least one socket on the node.
    public var rooms: Int
    /// When the node made this record.
    public var refreshedAt: Date
    /// When readers stop showing it, unless the node writes it again before.
    public var expiresAt: Date
    /// Its gentle drain (`chatctl nodes drain`) once one started: `draining`, `drained` or
    /// `cancelled` (`GentleDrain.name`); nil (and absent from the JSON) before.
    public var drain: String?

    public init(
        id: String, roles: [String], host: String, pid: Int, version: String, startedAt: Date, ports: [String: Int], admin: Address?,
        connections: Int, rooms: Int, refreshedAt: Date, expiresAt: Date, drain: String? = nil
    ) {
        self.id = id
        self.roles = roles.sorted()
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt.truncatedToMilliseconds
        self.ports = ports
        self.admin = admin
        self.connections = connections
        self.rooms = rooms
        self.refreshedAt = refreshedAt.truncatedToMilliseconds
        self.expiresAt = expiresAt.truncatedToMilliseconds
        self.drain = drain
    }

    /// Whether readers still show it at `now`.
    public func isLive(at now: Date) -> Bool { expiresAt > now }

    // MARK: Encoding

    enum CodingKeys: String, CodingKey {
        case id, roles, host, pid, version, startedAt, ports, admin, connections, rooms, refreshedAt, expiresAt, drain
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
            }
            return date
        }
        self.init(
            id: try container.decode(String.self, forKey: .id),
            roles: try container.decode([String].self, forKey: .roles),
            host: try container.decode(String.self, forKey: .host),
            pid: try container.decode(Int.self, forKey: .pid),
            version: try container.decode(String.self, forKey: .version),
            startedAt: try date(.startedAt),
            ports: try container.decodeIfPresent([String: Int].self, forKey: .ports) ?? [:],
            admin: try container.decodeIfPresent(Address.self, forKey: .admin),
            connections: try container.decodeIfPresent(Int.self, forKey: .connections) ?? 0,
            rooms: try container.decodeIfPresent(Int.self, forKey: .rooms) ?? 0,
            refreshedAt: try date(.refreshedAt),
            expiresAt: try date(.expiresAt),
            drain: try container.decodeIfPresent(String.self, forKey: .drain))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(roles, forKey: .roles)
        try container.encode(host, forKey: .host)
        try container.encode(pid, forKey: .pid)
        try container.encode(version, forKey: .version)
        try container.encode(RFC3339.string(from: startedAt), forKey: .startedAt)
        try container.encode(ports, forKey: .ports)
        try container.encodeIfPresent(admin, forKey: .admin)
        try container.encode(connections, forKey: .connections)
        try container.encode(rooms, forKey: .rooms)
        try container.encode(RFC3339.string(from: refreshedAt), forKey: .refreshedAt)
        try container.encode(RFC3339.string(from: expiresAt), forKey: .expiresAt)
        try container.encodeIfPresent(drain, forKey: .drain)
    }

    /// The record as the registries store it (JSON, sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A record as `json()` wrote it.
    public static func decode(_ data: Data) throws -> NodeRecord {
        try JSONDecoder().decode(NodeRecord.self, from: data)
    }
}

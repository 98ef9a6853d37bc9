import Foundation
import Synchronization

/// Live figures a node can give without asking a backend, for its registry record.
public struct NodeFigures: Sendable, Equatable {
    /// WebSockets open.
    public var connections: Int
    /// Rooms with at least one socket.
    public var rooms: Int

    public init(connections: Int = 0, rooms: Int = 0) {
        self.connections = connections
        self.rooms = rooms
    }

    public static func + (lhs: NodeFigures, rhs: NodeFigures) -> NodeFigures {
        NodeFigures(connections: lhs.connections + rhs.connections, rooms: lhs.rooms + rhs.rooms)
    }
}

/// This process as the node registry shows it: who it is (fixed at start), where its
/// servers listen (filled in as each starts) and its live figures (read each time a
/// record is made).
///
/// A record is `complete` once every server the node runs has reported its port, so
/// readers never see a node without the addresses it will have.
public final class LocalNode: Sendable {
    public let id: String
    /// The services this process runs, sorted.
    public let roles: [String]
    /// The machine's host name.
    public let host: String
    public let pid: Int
    public let version: String
    public let startedAt: Date

    private struct State {
        /// Servers still to report their port (by role; `admin` for the operator API).
        var waitingFor: Set<String>
        var ports: [String: Int] = [:]
        var admin: NodeRecord.Address?
        var figures: [@Sendable () -> NodeFigures] = []
        /// The state of its gentle drain, once one started (`reportDrain`).
        var drain: (@Sendable () -> String?)?
    }

    private let state: Mutex<State>

    /// What `waitingFor` calls the operator API.
    static let operatorAPIServer = "admin"

    /// - Parameters:
    ///   - roles: the services this process runs (`chat`, `notify`, `scheduler`).
    ///   - servers: the roles whose public server will report a port (`listening`).
    ///   - operatorAPI: whether an operator API will report its address.
    public init(
        roles: [String], servers: Set<String>, operatorAPI: Bool, version: String, host: String = LocalNode.hostName(),
        pid: Int = Int(ProcessInfo.processInfo.processIdentifier), startedAt: Date = Date()
    ) {
        self.id = "\(host)-\(pid)-\(RandomHex.make(bytes: 3))"
        self.roles = roles.sorted()
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt.truncatedToMilliseconds
        self.state = Mutex(State(waitingFor: operatorAPI ? servers.union([Self.operatorAPIServer]) : servers))
    }

    /// Records that the public server of `role` listens on `port`.
    public func listening(_ role: String, port: Int) {
        state.withLock { state in
            state.ports[role] = port
            state.waitingFor.remove(role)
        }
    }

    /// Records where the operator API listens. A wildcard bind (`0.0.0.0`, `::`) is
    /// recorded under the machine's host name, which other hosts can resolve.
    public func operatorAPIListening(host boundHost: String, port: Int) {
        let host = ["0.0.0.0", "::", "[::]", ""].contains(boundHost) ? self.host : boundHost
        state.withLock { state in
            state.admin = NodeRecord.Address(host: host, port: port)
            state.waitingFor.remove(Self.operatorAPIServer)
        }
    }

    /// Adds a source of live figures (a hub of sockets); the record sums them all.
    public func addFigures(_ source: @escaping @Sendable () -> NodeFigures) {
        state.withLock { $0.figures.append(source) }
    }

    /// Sets where the record reads the node's gentle drain state (nil before one started).
    public func reportDrain(_ source: @escaping @Sendable () -> String?) {
        state.withLock { $0.drain = source }
    }

    /// Whether every server of the node has reported where it listens.
    public var isComplete: Bool { state.withLock { $0.waitingFor.isEmpty } }

    /// The record as of `now`, live for `lifetime`.
    public func record(now: Date = Date(), lifetime: Duration) -> NodeRecord {
        let (ports, admin, sources, drain) = state.withLock { ($0.ports, $0.admin, $0.figures, $0.drain) }
        let figures = sources.reduce(NodeFigures()) { $0 + $1() }
        return NodeRecord(
            id: id, roles: roles, host: host, pid: pid, version: version, startedAt: startedAt, ports: ports, admin: admin,
            connections: figures.connections, rooms: figures.rooms, refreshedAt: now,
            expiresAt: now.addingTimeInterval(Double(lifetime.milliseconds) / 1000), drain: drain?())
    }

    /// The machine's host name (`gethostname`, no resolver involved), or `localhost`.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

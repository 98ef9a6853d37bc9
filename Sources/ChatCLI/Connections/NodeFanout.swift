import ChatCore
import ChatRuntime
import Foundation

/// The nodes holding sockets that a command asks through their operator API, all at
/// once, and what each answered — or why it did not (reported on stderr, never hiding
/// the answers of the others).
struct NodeFanout: Sendable {
    let api: OperatorAPIClient
    let nodes: [NodeRecord]

    /// One node's answer, or why there is none.
    struct Answer<Value: Sendable>: Sendable {
        let node: NodeRecord
        let result: Result<Value, OperatorAPIClient.Failure>
    }

    /// A node that gave no answer, as `--json` prints it.
    struct Unanswered: Encodable, Sendable {
        var node: String
        var error: String
    }

    /// The running nodes of `roles` (those that hold sockets), or the one `--node` names.
    ///
    /// - Throws: `RuntimeError` when no secret key is configured here (no operator token
    ///   can be signed), when `--node` names no running node, or when none of `roles` runs.
    static func make(session: OperatorSession, roles: Set<ServiceRole>, only nodeID: String?) async throws -> NodeFanout {
        let api = try await OperatorAPIClient.make(session.settings)
        let live = try await session.backends.nodes.liveNodes(at: Date())
        if let nodeID {
            guard let node = live.first(where: { $0.id == nodeID }) else {
                throw RuntimeError("--node: no running node has the id '\(nodeID)' (chatctl nodes list shows them)")
            }
            return NodeFanout(api: api, nodes: [node])
        }
        let wanted = Set(roles.map(\.rawValue))
        let serving = live.filter { !wanted.isDisjoint(with: $0.roles) }
        guard !serving.isEmpty else {
            let kinds = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw RuntimeError("no \(kinds) node is running (none is registered; chatctl nodes list shows the nodes)")
        }
        return NodeFanout(api: api, nodes: serving)
    }

    /// `GET path` on every node, in node id order.
    func get<Value: Decodable & Sendable>(_ path: String, as type: Value.Type) async -> [Answer<Value>] {
        await ask { api, node in
            do throws(OperatorAPIClient.Failure) {
                return .success(try await api.get(path, from: node, as: Value.self))
            } catch {
                return .failure(error)
            }
        }
    }

    /// `POST path` with `body` on every node, in node id order.
    func post<Value: Decodable & Sendable>(_ path: String, body: some Encodable & Sendable, as type: Value.Type) async -> [Answer<Value>] {
        await ask { api, node in
            do throws(OperatorAPIClient.Failure) {
                return .success(try await api.post(path, body, to: node, as: Value.self))
            } catch {
                return .failure(error)
            }
        }
    }

    private func ask<Value: Sendable>(
        _ call: @escaping @Sendable (OperatorAPIClient, NodeRecord) async -> Result<Value, OperatorAPIClient.Failure>
    ) async -> [Answer<Value>] {
        let api = self.api
        return await withTaskGroup(of: Answer<Value>.self) { group in
            for node in nodes {
                group.addTask { Answer(node: node, result: await call(api, node)) }
            }
            var answers: [Answer<Value>] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.node.id < $1.node.id }
        }
    }

    /// The nodes that gave no answer, each with why; each is also written to stderr
    /// (`node <id>: <why>`), where people read it whatever the format of stdout.
    static func unanswered<Value: Sendable>(_ answers: [Answer<Value>]) -> [Unanswered] {
        let missing = answers.compactMap { answer -> Unanswered? in
            guard case .failure(let failure) = answer.result else { return nil }
            return Unanswered(node: answer.node.id, error: "\(failure)")
        }
        for node in missing { FileHandle.standardError.write(Data("node \(node.node): \(node.error)\n".utf8)) }
        return missing
    }
}

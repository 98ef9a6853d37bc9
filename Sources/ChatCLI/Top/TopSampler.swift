import ChatCore
import Foundation

/// Takes `chatctl top`'s samples: the running nodes from the registry, each asked for its
/// metrics through its operator API (`GET /admin/metrics`, all at once through
/// `NodeFanout`), and each reading set against the node's reading of the sample before.
struct TopSampler: Sendable {
    /// The operator API route that gives a node's figures.
    static let path = "/admin/metrics"

    let api: OperatorAPIClient
    let registry: any NodeRegistry

    /// What `GET /admin/metrics` answers.
    struct Answer: Decodable, Sendable {
        var node: String
        var metrics: NodeMetricsReading
    }

    /// Each node's last reading, by node id: what the next sample's rates start from.
    typealias Readings = [String: NodeMetricsReading]

    /// One sample: a row per running node, in node id order — its figures since its
    /// reading in `previous` (or since it started), or why it gave none — and the readings
    /// the next sample starts from (a node that did not answer keeps its older one).
    func sample(after previous: Readings) async -> (frame: TopFrame, readings: Readings) {
        let time = Date()
        let nodes: [NodeRecord]
        do {
            nodes = try await registry.liveNodes(at: time)
        } catch {
            return (TopFrame(time: time, nodes: [], error: "cannot read the node registry: \(error)"), previous)
        }
        let answers = await NodeFanout(api: api, nodes: nodes).get(Self.path, as: Answer.self)
        var rows: [TopRow] = []
        var readings: Readings = [:]
        for answer in answers {
            let id = answer.node.id
            switch answer.result {
            case .success(let reply):
                let rates = NodeRates(from: previous[id], to: reply.metrics)
                rows.append(TopRow(node: answer.node, rates: rates, sinceStart: rates.seconds >= reply.metrics.uptime))
                readings[id] = reply.metrics
            case .failure(let failure):
                rows.append(TopRow(node: answer.node, error: "\(failure)"))
                readings[id] = previous[id]
            }
        }
        return (TopFrame(time: time, nodes: rows), readings)
    }
}

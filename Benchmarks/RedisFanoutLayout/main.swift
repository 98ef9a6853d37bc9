// Measures the two Redis pub/sub layouts for cross-node fan-out (figures in BENCHMARKS.md):
//   one channel  — every node subscribes to `bench:fanout`, each message names its room,
//                  and a node drops messages for rooms it has no sockets in;
//   per room     — a node subscribes to `bench:room:<id>` for each room it hosts.
// It starts nothing: give it a running redis-server (`--redis redis://127.0.0.1:6399/0`).
// Figures: wall time until every node has every message of its rooms, messages a node
// received for nothing, redis-server CPU (INFO cpu) and this process's CPU (publisher +
// all subscribers, so the difference between layouts is the receiving side).
import Foundation
import RedisKit
#if canImport(Glibc)
import Glibc
#endif

struct Scenario {
    var name: String
    var nodes: Int
    var rooms: Int
    /// Which nodes host a room (have sockets in it).
    var hosts: (Int) -> [Int]
}

enum Layout: String, CaseIterable {
    case oneChannel = "one channel"
    case perRoom = "per room"
}

struct Figures {
    var seconds: Double
    var received: Int
    var useful: Int
    var redisCPU: Double
    var ownCPU: Double
}

func argument(_ name: String, default value: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

func processCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func redisCPU(_ client: RedisClient) async throws -> Double {
    let info = try await client.command(["INFO", "cpu"]).string ?? ""
    var total = 0.0
    for line in info.split(whereSeparator: \.isNewline) {
        let parts = line.split(separator: ":")
        if parts.count == 2, parts[0] == "used_cpu_sys" || parts[0] == "used_cpu_user" { total += Double(parts[1]) ?? 0 }
    }
    return total
}

/// Room id in the first four bytes of the payload (big endian), then filler.
func payload(room: Int, size: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0x61, count: max(size, 4))
    bytes[0] = UInt8(truncatingIfNeeded: room >> 24)
    bytes[1] = UInt8(truncatingIfNeeded: room >> 16)
    bytes[2] = UInt8(truncatingIfNeeded: room >> 8)
    bytes[3] = UInt8(truncatingIfNeeded: room)
    return bytes
}

func roomOf(_ payload: [UInt8]) -> Int {
    Int(payload[0]) << 24 | Int(payload[1]) << 16 | Int(payload[2]) << 8 | Int(payload[3])
}

func run(_ scenario: Scenario, _ layout: Layout, messages: Int, size: Int, endpoint: RedisEndpoint, client: RedisClient) async throws -> Figures {
    var hosted = [Set<Int>](repeating: [], count: scenario.nodes)
    for room in 0..<scenario.rooms { for node in scenario.hosts(room) { hosted[node].insert(room) } }
    let rooms = (0..<messages).map { $0 % scenario.rooms }
    let expected = (0..<scenario.nodes).map { node in rooms.count { hosted[node].contains($0) } }

    let subscribers = (0..<scenario.nodes).map { node in
        RedisSubscriber(
            endpoint: endpoint,
            channels: layout == .oneChannel ? ["bench:fanout"] : hosted[node].sorted().map { "bench:room:\($0)" },
            bufferSize: messages + 10)
    }
    let ready = AsyncStream<Void>.makeStream()
    let counters = try await withThrowingTaskGroup(of: (received: Int, useful: Int, done: ContinuousClock.Instant).self) { group in
        for (node, subscriber) in subscribers.enumerated() {
            let mine = hosted[node]
            let want = expected[node]
            group.addTask {
                var received = 0
                var useful = 0
                var done = ContinuousClock.now
                for await event in subscriber {
                    switch event {
                    case .subscribed: ready.continuation.yield()
                    case .message(_, let payload):
                        received += 1
                        if mine.contains(roomOf(payload)) { useful += 1 }
                    case .disconnected(let why): print("node \(node) disconnected: \(why)")
                    }
                    if useful == want {
                        done = .now
                        break
                    }
                }
                subscriber.stop()
                return (received, useful, done)
            }
        }
        var subscribed = 0
        for await _ in ready.stream {
            subscribed += 1
            if subscribed == scenario.nodes { break }
        }
        let cpuBefore = (redis: try await redisCPU(client), own: processCPU())
        let start = ContinuousClock.now
        let batch = 200
        for first in stride(from: 0, to: messages, by: batch) {
            let commands = (first..<min(first + batch, messages)).map { index -> [[UInt8]] in
                let room = rooms[index]
                let channel = layout == .oneChannel ? "bench:fanout" : "bench:room:\(room)"
                return [Array("PUBLISH".utf8), Array(channel.utf8), payload(room: room, size: size)]
            }
            _ = try await client.pipeline(bytes: commands)
        }
        var results: [(received: Int, useful: Int, done: ContinuousClock.Instant)] = []
        for try await result in group { results.append(result) }
        let end = results.map(\.done).max() ?? .now
        let elapsed = end - start
        let cpuAfter = (redis: try await redisCPU(client), own: processCPU())
        return Figures(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            received: results.map(\.received).reduce(0, +),
            useful: results.map(\.useful).reduce(0, +),
            redisCPU: cpuAfter.redis - cpuBefore.redis,
            ownCPU: cpuAfter.own - cpuBefore.own)
    }
    return counters
}

let url = argument("--redis", default: "redis://127.0.0.1:6379/0")
let messages = Int(argument("--messages", default: "50000")) ?? 50_000
let size = Int(argument("--payload", default: "200")) ?? 200
let rounds = Int(argument("--rounds", default: "3")) ?? 3
let endpoint = try RedisEndpoint(parsing: url)
let client = RedisClient(endpoint: endpoint, options: .init(poolSize: 1))

let scenarios = [
    Scenario(name: "2 nodes, 100 rooms, every room on both nodes", nodes: 2, rooms: 100) { _ in [0, 1] },
    Scenario(name: "4 nodes, 1000 rooms, every room on every node", nodes: 4, rooms: 1000) { _ in [0, 1, 2, 3] },
    Scenario(name: "4 nodes, 1000 rooms, each room on 2 nodes", nodes: 4, rooms: 1000) { [$0 % 4, ($0 + 1) % 4] },
    Scenario(name: "4 nodes, 1000 rooms, each room on 1 node (sticky routing)", nodes: 4, rooms: 1000) { [$0 % 4] },
]

print("redis fan-out layouts: \(messages) messages of \(size) bytes per run, \(rounds) rounds, alternating layouts; median shown")
for scenario in scenarios {
    print("\n\(scenario.name)")
    var byLayout: [Layout: [Figures]] = [:]
    for _ in 0..<rounds {
        for layout in Layout.allCases {
            byLayout[layout, default: []].append(try await run(scenario, layout, messages: messages, size: size, endpoint: endpoint, client: client))
        }
    }
    for layout in Layout.allCases {
        let runs = byLayout[layout]!.sorted { $0.seconds < $1.seconds }
        let median = runs[runs.count / 2]
        let wasted = median.received - median.useful
        print(
            "  \(layout.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))"
                + String(format: " %7.0f msg/s  %8d deliveries (%6d for rooms not hosted)  redis CPU %.3f s (%.1f µs/msg)  bench CPU %.3f s",
                    Double(messages) / median.seconds, median.useful, wasted, median.redisCPU, median.redisCPU / Double(messages) * 1e6, median.ownCPU))
    }
}
await client.close()

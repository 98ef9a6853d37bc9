import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// `chatctl bench fanout`: N WebSockets over K rooms, S of them posting at a rate (or
/// as fast as a window of un-echoed messages allows); every receiver accounts for every
/// message by its marker, so the report says what was delivered, lost or duplicated and
/// how long each delivery took end to end.
public struct FanoutBench: Sendable {
    public struct Options: Sendable {
        /// `ws://host:port`.
        public var webSocketBase: String
        /// Room names; client i joins `rooms[i % rooms.count]`.
        public var rooms: [String]
        /// One bearer token per client (nil: no Authorization header).
        public var tokens: [String?]
        public var senders: Int
        /// Messages per second per sender; 0 = as fast as `window` allows.
        public var rate: Double
        /// Un-echoed messages a sender may have in flight (rate 0).
        public var window: Int
        public var duration: Duration
        public var payload: Int
        public var serverPID: Int32?
        public var settle: Duration = .milliseconds(500)
        public var drainIdle: Duration = .seconds(1)
        public var drainMax: Duration = .seconds(10)
        public var connectTimeout: Duration = .seconds(60)
        public var connectConcurrency = 64

        public init(
            webSocketBase: String, rooms: [String], tokens: [String?], senders: Int, rate: Double, window: Int, duration: Duration,
            payload: Int, serverPID: Int32?
        ) {
            self.webSocketBase = webSocketBase
            self.rooms = rooms
            self.tokens = tokens
            self.senders = senders
            self.rate = rate
            self.window = window
            self.duration = duration
            self.payload = payload
            self.serverPID = serverPID
        }

        public var clients: Int { tokens.count }
    }

    /// Percentiles in milliseconds.
    public struct Latency: Sendable, Encodable {
        public var p50, p90, p99, p999, max, mean: Double

        init(_ histogram: LatencyHistogram) {
            func ms(_ nanos: UInt64) -> Double { (Double(nanos) / 1e4).rounded() / 100 }
            p50 = ms(histogram.percentile(50))
            p90 = ms(histogram.percentile(90))
            p99 = ms(histogram.percentile(99))
            p999 = ms(histogram.percentile(99.9))
            max = ms(histogram.max)
            mean = (histogram.mean / 1e4).rounded() / 100
        }
    }

    /// The final figures.
    public struct Report: Sendable, Encodable {
        public var clients, rooms, senders: Int
        public var connected, connectErrors, disconnects: Int
        public var sent: Int
        public var sentPerSecond: Double
        public var expectedDeliveries, delivered, lost, duplicatesOrReordered: Int
        public var deliveriesPerSecond: Double
        public var latencyMs: Latency
        public var clientCPUSeconds: Double
        public var serverCPUSeconds: Double?
        public var deliveriesPerServerCPUSecond: Double?
        /// The server's resident memory (VmRSS) before connecting, once every socket is
        /// connected, and at the end; with `serverPID` only.
        public var serverRSSBytes: ServerMemory?
        public var firstConnectError: String?
    }

    /// Server RSS at the bench's three moments, and what each connection added.
    public struct ServerMemory: Sendable, Encodable {
        public var before, connected, end: Int
        /// (connected − before) / connected sockets.
        public var perConnection: Int
    }

    /// What `progress` is told about once a second.
    public struct Progress: Sendable {
        public var phase: String
        public var connected: Int
        public var sent: Int
        public var delivered: Int
    }

    let options: Options
    let nonce = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    public init(options: Options) { self.options = options }

    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        let state = BenchState(options: options)
        let rssBefore = options.serverPID.flatMap(ProcessStats.residentBytes(pid:))
        let runner = Task { await connectAll(state) }
        defer { runner.cancel() }

        // Connect (bounded), then settle.
        let connectDeadline = ContinuousClock.now + options.connectTimeout
        while state.connectedOrFailed < options.clients, ContinuousClock.now < connectDeadline {
            progress(Progress(phase: "connecting", connected: state.connected.load(ordering: .relaxed), sent: 0, delivered: 0))
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: options.settle)
        let roomSizes = state.roomSizes()
        let rssConnected = options.serverPID.flatMap(ProcessStats.residentBytes(pid:))

        // Send.
        let serverCPUStart = options.serverPID.flatMap(ProcessStats.cpuSeconds(pid:))
        let clientCPUStart = ProcessStats.ownCPUSeconds()
        let sendStart = ProcessStats.monotonicNanos()
        state.sendDeadline.store(sendStart + UInt64(Self.seconds(options.duration) * 1e9), ordering: .relaxed)
        state.start.open()
        let sendEnd = ContinuousClock.now + options.duration
        while ContinuousClock.now < sendEnd {
            progress(state.progress("sending"))
            try await Task.sleep(for: .milliseconds(Swift.min(1000, Self.milliseconds(sendEnd - ContinuousClock.now) + 1)))
        }
        state.finishSending()

        // Drain: until everything expected arrived, nothing arrived for drainIdle, or drainMax.
        let drainEnd = ContinuousClock.now + options.drainMax
        var lastCount = -1
        var lastChange = ContinuousClock.now
        while ContinuousClock.now < drainEnd {
            let expected = state.expected(roomSizes: roomSizes)
            let delivered = state.ledger.withLock { $0.delivered }
            if delivered >= expected && state.sendersDone { break }
            if delivered != lastCount {
                lastCount = delivered
                lastChange = ContinuousClock.now
            } else if ContinuousClock.now - lastChange >= options.drainIdle, state.sendersDone {
                break
            }
            progress(state.progress("draining"))
            try await Task.sleep(for: .milliseconds(20))
        }
        let serverCPUEnd = options.serverPID.flatMap(ProcessStats.cpuSeconds(pid:))
        let rssEnd = options.serverPID.flatMap(ProcessStats.residentBytes(pid:))
        let clientCPU = ProcessStats.ownCPUSeconds() - clientCPUStart

        state.stop.open()
        // Give sockets a moment to close cleanly, then cancel what is left.
        let closeDeadline = ContinuousClock.now + .seconds(5)
        while !state.allFinished, ContinuousClock.now < closeDeadline { try await Task.sleep(for: .milliseconds(20)) }

        let ledger = state.ledger.withLock { $0 }
        let sent = state.sentTotal
        let expected = state.expected(roomSizes: roomSizes)
        let sendSeconds = Self.seconds(options.duration)
        let deliverySpan = ledger.lastDeliveryNanos > sendStart ? Double(ledger.lastDeliveryNanos - sendStart) / 1e9 : 0
        let serverCPU = serverCPUStart.flatMap { start in serverCPUEnd.map { $0 - start } }
        return Report(
            clients: options.clients, rooms: options.rooms.count, senders: options.senders,
            connected: state.connectedAtStart, connectErrors: state.connectErrors.load(ordering: .relaxed),
            disconnects: state.disconnects.load(ordering: .relaxed),
            sent: sent, sentPerSecond: Self.round(Double(sent) / sendSeconds),
            expectedDeliveries: expected, delivered: ledger.delivered, lost: Swift.max(0, expected - ledger.delivered),
            duplicatesOrReordered: ledger.duplicateOrReordered,
            deliveriesPerSecond: deliverySpan > 0 ? Self.round(Double(ledger.delivered) / deliverySpan) : 0,
            latencyMs: Latency(ledger.latency), clientCPUSeconds: Self.round(clientCPU),
            serverCPUSeconds: serverCPU.map(Self.round),
            deliveriesPerServerCPUSecond: serverCPU.flatMap { $0 > 0 ? Self.round(Double(ledger.delivered) / $0) : nil },
            serverRSSBytes: rssBefore.flatMap { before in
                rssConnected.flatMap { connected in
                    rssEnd.map { end in
                        ServerMemory(before: before, connected: connected, end: end, perConnection: (connected - before) / Swift.max(1, state.connectedAtStart))
                    }
                }
            },
            firstConnectError: state.firstError.withLock { $0 })
    }

    // MARK: Connections

    private func connectAll(_ state: BenchState) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<options.clients {
                await state.acquireConnectPermit()
                group.addTask { await runClient(client, state) }
            }
        }
    }

    private func runClient(_ client: Int, _ state: BenchState) async {
        let roomIndex = client % options.rooms.count
        let url = "\(options.webSocketBase)/ws/join/?name=\(options.rooms[roomIndex])"
        var headers: HTTPFields = [:]
        if let token = options.tokens[client] { headers[.authorization] = "Bearer \(token)" }
        var logger = Logger(label: "chatctl.bench")
        logger.logLevel = .critical
        let isSender = client < options.senders
        let (echoes, echoContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
        if isSender { state.register(echoWaker: echoContinuation) }
        let joined = OnceFlag()
        defer {
            if !joined.isSet { state.connectFailed() }
            state.finished.add(1, ordering: .relaxed)
            echoContinuation.finish()
        }
        do {
            _ = try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: 1 << 22, additionalHeaders: headers), logger: logger
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var first = true
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            guard case .text(let text) = message else { continue }
                            if first {
                                first = false
                                joined.set()
                                state.joined(room: roomIndex)
                                continue
                            }
                            let now = ProcessStats.monotonicNanos()
                            let markers = BenchMarker.markers(in: text, nonce: nonce)
                            guard !markers.isEmpty else { continue }
                            state.ledger.withLock { ledger in
                                for marker in markers { ledger.record(marker, receiver: client, nowNanos: now) }
                            }
                            if isSender { for marker in markers where marker.sender == client { echoContinuation.yield() } }
                        }
                        if !state.stop.isOpen { state.disconnects.add(1, ordering: .relaxed) }
                    }
                    group.addTask {
                        if isSender {
                            await state.start.wait()
                            let sent = try await sendLoop(client: client, outbound: outbound, echoes: echoes, state: state)
                            state.senderDone(client: client, sent: sent)
                        }
                        await state.stop.wait()
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            if !joined.isSet { state.firstError.withLock { if $0 == nil { $0 = "\(error)" } } }
            if isSender && !state.isSenderDone(client) { state.senderDone(client: client, sent: 0) }
        }
    }

    /// Sends until the send deadline; returns how many were sent.
    private func sendLoop(client: Int, outbound: WebSocketOutboundWriter, echoes: AsyncStream<Void>, state: BenchState) async throws -> Int {
        let deadline = state.sendDeadline.load(ordering: .relaxed)
        var sequence = 0
        var echoIterator = echoes.makeAsyncIterator()
        var inFlight = 0
        let start = ContinuousClock.now
        // Senders are staggered over one interval so they do not all fire at once.
        let interval = options.rate > 0 ? 1 / options.rate : 0
        let offset = interval * Double(client) / Double(Swift.max(1, options.senders))
        while ProcessStats.monotonicNanos() < deadline, !Task.isCancelled {
            if options.rate > 0 {
                let due = start + .nanoseconds(Int64((offset + interval * Double(sequence)) * 1e9))
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
                if ProcessStats.monotonicNanos() >= deadline { break }
            } else {
                while inFlight >= options.window {
                    guard await echoIterator.next() != nil else { return sequence }
                    inFlight -= 1
                }
            }
            sequence += 1
            let marker = BenchMarker(sender: client, sequence: sequence, sentNanos: ProcessStats.monotonicNanos())
            let content = BenchMarker.content(nonce: nonce, marker: marker, payload: options.payload)
            try await outbound.write(.text(#"{"type":"message","content":"\#(content)"}"#))
            inFlight += 1
            state.sent.add(1, ordering: .relaxed)
        }
        return sequence
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Int { Int(seconds(duration) * 1000) }

    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

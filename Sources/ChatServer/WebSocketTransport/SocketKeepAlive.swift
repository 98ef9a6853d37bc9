import NIOCore
import NIOWebSocket
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps idle WebSockets alive through proxies and finds dead peers, without a task or a
/// timer per socket: one repeating timer per event loop writes a ping frame to every
/// socket on that loop, and the kernel's TCP keepalive (idle 30 s, then a probe every
/// 10 s, 3 probes) closes connections whose peer is gone. It replaces the WebSocket
/// library's auto-ping, which costs each socket a task, a task group and a dispatch
/// timer (≈ 3 KB of server memory per idle socket).
final class SocketKeepAlive: Sendable {
    let interval: TimeAmount
    private let pingers = Mutex<[ObjectIdentifier: LoopPinger]>([:])

    init(interval: TimeAmount = .seconds(30)) {
        self.interval = interval
    }

    /// Pings `channel` every `interval` until it closes, and turns TCP keepalive on for it.
    func watch(_ channel: any Channel) {
        Self.enableTCPKeepAlive(channel)
        let loop = channel.eventLoop
        let pinger = pingers.withLock { pingers in
            if let existing = pingers[ObjectIdentifier(loop)] { return existing }
            let created = LoopPinger(loop: loop, interval: interval)
            pingers[ObjectIdentifier(loop)] = created
            return created
        }
        loop.execute { pinger.add(channel) }
        channel.closeFuture.whenComplete { _ in pinger.remove(channel) }
    }

    private static func enableTCPKeepAlive(_ channel: any Channel) {
        let options: [(ChannelOptions.Types.SocketOption, SocketOptionValue)] = [
            (ChannelOptions.socketOption(.so_keepalive), 1),
            (ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPIDLE)), 30),
            (ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPINTVL)), 10),
            (ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPCNT)), 3),
        ]
        for (option, value) in options {
            channel.setOption(option, value: value).whenFailure { _ in
                // Not a TCP socket (tests over other transports): pings still go out.
            }
        }
    }
}

/// The sockets of one event loop and the timer that pings them (runs only while there
/// are sockets, so a stopped server leaves no timer behind). The pings of one interval
/// are spread over it in slices of a quarter second: pinging 5,000 sockets in one turn
/// stalled the loop's message deliveries for ~300 ms.
private final class LoopPinger: Sendable {
    let loop: any EventLoop
    let slices: Int
    let tickDelay: TimeAmount
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var channels: [any Channel] = []
        var positions: [ObjectIdentifier: Int] = [:]
        var timer: RepeatedTask?
        var tick = 0
    }

    init(loop: any EventLoop, interval: TimeAmount) {
        self.loop = loop
        let slice = TimeAmount.milliseconds(250)
        self.slices = max(1, Int(interval.nanoseconds / slice.nanoseconds))
        self.tickDelay = .nanoseconds(interval.nanoseconds / Int64(slices))
        self.state = .makeBoxSendingValue(State(), eventLoop: loop)
    }

    /// On the loop.
    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        guard channel.isActive, state.value.positions[id] == nil else { return }
        state.value.positions[id] = state.value.channels.count
        state.value.channels.append(channel)
        guard state.value.timer == nil else { return }
        state.value.timer = loop.scheduleRepeatedTask(initialDelay: tickDelay, delay: tickDelay) { [self] _ in pingSlice() }
    }

    /// On the loop (the channel's close future completes there).
    func remove(_ channel: any Channel) {
        guard let position = state.value.positions.removeValue(forKey: ObjectIdentifier(channel)) else { return }
        let last = state.value.channels.removeLast()
        if position < state.value.channels.count {
            state.value.channels[position] = last
            state.value.positions[ObjectIdentifier(last)] = position
        }
        if state.value.channels.isEmpty {
            state.value.timer?.cancel()
            state.value.timer = nil
        }
    }

    /// Pings every `slices`-th socket, starting at this tick's offset: each socket once per interval.
    private func pingSlice() {
        let offset = state.value.tick % slices
        state.value.tick &+= 1
        let channels = state.value.channels
        for index in stride(from: offset, to: channels.count, by: slices) {
            channels[index].writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()), promise: nil)
        }
    }
}

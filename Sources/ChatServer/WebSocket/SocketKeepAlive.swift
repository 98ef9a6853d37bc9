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
/// are sockets, so a stopped server leaves no timer behind).
private final class LoopPinger: Sendable {
    let loop: any EventLoop
    let interval: TimeAmount
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var timer: RepeatedTask?
    }

    init(loop: any EventLoop, interval: TimeAmount) {
        self.loop = loop
        self.interval = interval
        self.state = .makeBoxSendingValue(State(), eventLoop: loop)
    }

    /// On the loop.
    func add(_ channel: any Channel) {
        guard channel.isActive else { return }
        state.value.channels[ObjectIdentifier(channel)] = channel
        guard state.value.timer == nil else { return }
        state.value.timer = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in pingAll() }
    }

    /// On the loop (the channel's close future completes there).
    func remove(_ channel: any Channel) {
        state.value.channels[ObjectIdentifier(channel)] = nil
        if state.value.channels.isEmpty {
            state.value.timer?.cancel()
            state.value.timer = nil
        }
    }

    private func pingAll() {
        for channel in state.value.channels.values {
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()), promise: nil)
        }
    }
}

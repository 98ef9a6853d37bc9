import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A client that completes the WebSocket handshake and then never reads: the
/// slowest possible consumer. Its receive buffer is shrunk so the server's writes
/// back up quickly.
final class StalledWebSocket: Sendable {
    private let fd: Int32

    /// Connects and completes the handshake on NIO's thread pool (blocking calls stay
    /// off the cooperative pool).
    static func open(port: Int, path: String, token: String) async throws -> StalledWebSocket {
        try await NIOThreadPool.singleton.runIfActive { try StalledWebSocket(port: port, path: path, token: token) }
    }

    private init(port: Int, path: String, token: String) throws {
        fd = try LoopbackSocket.connect(port: port) { fd in
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        }
        LoopbackSocket.sendUpgradeRequest(fd: fd, port: port, path: path, token: token)
        // Read only the handshake response, then stop reading for good.
        var buffer = [UInt8](repeating: 0, count: 512)
        _ = recv(fd, &buffer, buffer.count, 0)
    }

    func close() { Glibc.close(fd) }

    /// Shuts the client's sending side (TCP FIN) without a close frame; the socket stays open.
    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
}

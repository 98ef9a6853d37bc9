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
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
        let request = """
            GET \(path) HTTP/1.1\r
            Host: 127.0.0.1:\(port)\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            Authorization: Bearer \(token)\r
            \r

            """
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        // Read only the handshake response, then stop reading for good.
        var buffer = [UInt8](repeating: 0, count: 512)
        _ = recv(fd, &buffer, buffer.count, 0)
    }

    func close() { Glibc.close(fd) }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking TCP sockets to 127.0.0.1 for the raw-protocol test helpers.
/// Call only from NIO's thread pool, never from the cooperative pool.
enum LoopbackSocket {
    /// The example handshake key of RFC 6455 §1.3, and the accept value it must get.
    static let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="
    static let sampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// A connected socket; `configure` runs before `connect` (buffer sizes, timeouts).
    static func connect(port: Int, configure: (Int32) -> Void = { _ in }) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        configure(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    /// Sends a WebSocket upgrade request for `path`, with a bearer token if given; `headers`
    /// are extra lines (`"Name: value"`), `version` and `key` the ones offered (nil: none).
    static func sendUpgradeRequest(
        fd: Int32, port: Int, path: String, token: String?, origin: String? = nil,
        headers: [String] = [], version: String? = "13", key: String? = sampleKey
    ) {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        if let key { request += "Sec-WebSocket-Key: \(key)\r\n" }
        if let version { request += "Sec-WebSocket-Version: \(version)\r\n" }
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let origin { request += "Origin: \(origin)\r\n" }
        for header in headers { request += "\(header)\r\n" }
        request += "\r\n"
        sendAll(fd: fd, Array(request.utf8))
    }

    /// Writes all of `bytes` (a peer that is gone raises no SIGPIPE); false once the
    /// connection is gone.
    @discardableResult
    static func sendAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

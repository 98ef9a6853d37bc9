import ChatTestSupport
import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket upgrade request over a plain TCP socket, to see exactly what the server
/// answers (status, headers, body) when it refuses, on a fresh connection every time.
struct RawUpgrade {
    let status: Int
    let head: String
    let body: String

    /// Runs the blocking exchange on NIO's thread pool, never on the cooperative pool.
    static func attempt(port: Int, path: String, token: String?, origin: String? = nil) async throws -> RawUpgrade {
        try await NIOThreadPool.singleton.runIfActive { try blockingAttempt(port: port, path: path, token: token, origin: origin) }
    }

    /// Sends `request` (a whole HTTP/1.1 request, head and body) on a fresh connection
    /// and reads the answer until the server closes (or a 101's head is in).
    static func exchange(port: Int, request: String) async throws -> RawUpgrade {
        try await NIOThreadPool.singleton.runIfActive {
            try blockingExchange(port: port) { fd in _ = LoopbackSocket.sendAll(fd: fd, Array(request.utf8)) }
        }
    }

    private static func blockingAttempt(port: Int, path: String, token: String?, origin: String?) throws -> RawUpgrade {
        try blockingExchange(port: port) { fd in
            LoopbackSocket.sendUpgradeRequest(fd: fd, port: port, path: path, token: token, origin: origin)
        }
    }

    private static func blockingExchange(port: Int, send: (Int32) -> Void) throws -> RawUpgrade {
        let fd = try LoopbackSocket.connect(port: port) { fd in
            // Bounds a server that never answers; every answer here is a closed refusal or
            // a 101 (the read stops after its head), so this costs nothing when it works.
            var timeout = timeval(tv_sec: Int(Patience.seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        defer { close(fd) }
        send(fd)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            // An accepted upgrade never closes: stop after the 101 head.
            // (Decoded leniently: WebSocket frame bytes may follow the head.)
            let text = String(decoding: received, as: UTF8.self)
            if text.hasPrefix("HTTP/1.1 101"), text.contains("\r\n\r\n") { break }
            // A kept-alive connection stays open: stop once the body its length names is in.
            if let end = text.range(of: "\r\n\r\n"), let length = Self.contentLength(String(text[..<end.lowerBound])),
                text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length
            {
                break
            }
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return RawUpgrade(status: status, head: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The `Content-Length` of a response head, if it names one.
    private static func contentLength(_ head: String) -> Int? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            return Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

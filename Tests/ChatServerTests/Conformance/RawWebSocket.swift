import ChatTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client on a blocking loopback socket that writes whatever bytes a case
/// says and reads the server's frames exactly as sent: for the conformance cases. Every
/// read is bounded by `Patience.seconds` (a bound only ever ends a failing wait).
/// Blocking: use it only inside one job on NIO's thread pool, never on the cooperative pool.
final class RawWebSocket {
    /// The server's answer to the opening handshake.
    struct Handshake: Sendable {
        let status: Int
        let head: String

        /// The response's header fields, by lowercased name (the last of a repeated one).
        var fields: [String: String] {
            var fields: [String: String] = [:]
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return fields
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case timedOut(String)
        var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            }
        }
    }

    let handshake: Handshake
    private let fd: Int32
    /// Bytes read past the last whole frame.
    private var pending: [UInt8] = []
    private var closed = false

    /// Connects, sends the upgrade request (extra `headers`; `version` and `key` as
    /// offered, nil for none) and reads the response head; bytes after it are frames.
    init(port: Int, path: String, token: String?, headers: [String] = [], version: String? = "13", key: String? = LoopbackSocket.sampleKey) throws {
        let socket = try LoopbackSocket.connect(port: port) { fd in
            var timeout = timeval(tv_sec: Int(Patience.seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            // Each write its own segment, so a frame written in pieces arrives in pieces.
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        LoopbackSocket.sendUpgradeRequest(fd: socket, port: port, path: path, token: token, headers: headers, version: version, key: key)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        while headEnd == nil {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                Glibc.close(socket)
                throw Failure.timedOut("the handshake's answer")
            }
            if count <= 0 { break }
            received += buffer[0..<count]
            headEnd = RawWebSocket.endOfHead(received)
        }
        let head = String(decoding: received[..<(headEnd ?? received.count)], as: UTF8.self)
        let statusLine = head.components(separatedBy: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        fd = socket
        handshake = Handshake(status: status, head: head)
        pending = headEnd.map { Array(received[($0 + 4)...]) } ?? []
    }

    deinit { close() }

    /// Where the head's blank line starts, if it has come.
    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
    }

    /// Writes `bytes`; false once the server has gone (a case may write after it failed
    /// the connection).
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        !closed && LoopbackSocket.sendAll(fd: fd, bytes)
    }

    /// Writes `frame` in one write, or in writes of `piece` bytes each.
    @discardableResult
    func send(_ frame: RawFrame, inPiecesOf piece: Int? = nil) -> Bool {
        let bytes = frame.encoded()
        guard let piece else { return write(bytes) }
        for start in stride(from: 0, to: bytes.count, by: piece) {
            guard write(Array(bytes[start..<min(start + piece, bytes.count)])) else { return false }
        }
        return true
    }

    /// The next frame from the server; nil once it ended the connection (its FIN, or a
    /// reset). Throws `Failure.timedOut` after `Patience.seconds` without a byte.
    func nextFrame() throws -> RawFrame? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let frame = RawFrame.decode(&pending) { return frame }
            guard !closed else { return nil }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timedOut("a frame from the server") }
            guard count > 0 else { return nil }  // the server's FIN (0) or a reset (ECONNRESET)
            pending += buffer[0..<count]
        }
    }

    /// Closes the socket (once).
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

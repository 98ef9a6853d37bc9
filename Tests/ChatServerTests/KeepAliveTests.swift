import ChatServer
import ChatTestSupport
import Foundation
import NIOPosix
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("socket keepalive pings")
struct KeepAliveTests {
    /// Opcodes of the frames a raw client reads after the upgrade, until `stop` says so or
    /// `Patience.seconds` pass without a byte.
    static func readFrames(port: Int, path: String, token: String, until stop: @escaping @Sendable ([UInt8]) -> Bool) async throws -> [UInt8] {
        try await NIOThreadPool.singleton.runIfActive {
            let fd = try LoopbackSocket.connect(port: port) { fd in
                var timeout = timeval(tv_sec: Int(Patience.seconds), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
            defer { close(fd) }
            LoopbackSocket.sendUpgradeRequest(fd: fd, port: port, path: path, token: token)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            var opcodes: [UInt8] = []
            var headerSkipped = false
            while !stop(opcodes) {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                bytes += buffer[0..<count]
                if !headerSkipped {
                    guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else { continue }
                    bytes.removeFirst(end + 4)
                    headerSkipped = true
                }
                // Whole server frames (unmasked) off the front.
                while bytes.count >= 2 {
                    var length = Int(bytes[1] & 0x7F)
                    var offset = 2
                    if length == 126 {
                        guard bytes.count >= 4 else { break }
                        length = Int(bytes[2]) << 8 | Int(bytes[3])
                        offset = 4
                    } else if length == 127 {
                        guard bytes.count >= 10 else { break }
                        length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
                        offset = 10
                    }
                    guard bytes.count >= offset + length else { break }
                    opcodes.append(bytes[0] & 0x0F)
                    bytes.removeFirst(offset + length)
                }
            }
            return opcodes
        }
    }

    @Test("an idle socket gets ping frames from the server's per-loop timer")
    func pinged() async throws {
        let settings = ChatServerSettings.testing { $0.pingInterval = .milliseconds(100) }
        try await LiveChat.run(settings: settings) { chat in
            let token = try await chat.user("pia")
            _ = try await chat.createRoom("lobby", token: token)
            let opcodes = try await Self.readFrames(port: chat.port, path: "/ws/join/?name=lobby", token: token) { opcodes in
                opcodes.filter { $0 == 0x9 }.count >= 2
            }
            #expect(opcodes.first == 0x1, "the history frame comes first: \(opcodes)")
            #expect(opcodes.filter { $0 == 0x9 }.count >= 2, "pings: \(opcodes)")
        }
    }
}

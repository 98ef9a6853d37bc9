import ChatCore
import Foundation

/// Messages as they travel through Redis (cache entries, fan-out payloads): JSON with
/// millisecond dates.
enum RedisMessageCodec {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encode(_ message: Message) throws -> [UInt8] { Array(try encoder.encode(message)) }

    static func decode(_ bytes: [UInt8]) throws -> Message { try decoder.decode(Message.self, from: Data(bytes)) }
}

import Foundation
import Hummingbird

/// A reload that kept the configuration in force because the one read is not valid: the
/// setting at fault (`config` when the file itself cannot be read) and why. Answers the
/// operator API with 422 `{"error": "…", "key": "…"}`.
public struct ConfigReloadRefusal: Error, Sendable, Equatable, CustomStringConvertible, HTTPResponseError {
    /// The setting at fault, as in the config file (`message_rate_burst`), or `config`.
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration \(key): \(message)" }

    public var status: HTTPResponse.Status { .unprocessableContent }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? JSONEncoder.sortedKeys.encode(["error": description, "key": key])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

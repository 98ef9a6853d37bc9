import ChatCore
import Foundation
import Hummingbird

/// `ChatError` picks its own HTTP response: `{"error": "...", "field": "..."}` as the
/// Go service's `{"error": ...}` bodies, plus `message` on 401 as echo's JWT middleware
/// answered. No internals reach the client.
extension ChatError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch kind {
        case .invalidInput, .invalidCredentials: .badRequest
        case .conflict: .conflict
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .backendUnavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["error": message]
        if let field { body["field"] = field }
        if kind == .unauthorized { body["message"] = message }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let data = (try? JSONEncoder.sortedKeys.encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A plain-text error, for the room endpoints where the Go service answered with text.
struct TextError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}

extension JSONEncoder {
    /// Deterministic output for responses and frames.
    static let sortedKeys: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

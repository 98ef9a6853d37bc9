import ChatCore
import Foundation
import Hummingbird

/// `ChatError` picks its own HTTP response: `{"error": "...", "field": "..."}` as the
/// Go service's `{"error": ...}` bodies, plus `message` on 401 as echo's JWT middleware
/// answered, or the error's `explanation` (a ban's end and reason on a refused login).
/// No internals reach the client.
extension ChatError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch kind {
        case .invalidInput, .invalidCredentials: .badRequest
        case .conflict: .conflict
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .tooManyRequests: .tooManyRequests
        case .backendUnavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        renderedResponse
    }
}

extension ChatError: RenderedError {
    var renderedHeaders: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return headers
    }

    var renderedBody: ByteBuffer {
        var body: [String: String] = ["error": message]
        if let field { body["field"] = field }
        if kind == .unauthorized { body["message"] = message }
        if let explanation { body["message"] = explanation }
        return ByteBuffer(bytes: (try? JSONEncoder.sortedKeys.encode(body)) ?? Data())
    }
}

/// An error that knows its complete HTTP response (status, headers, body), so it can
/// also be written outside the router, e.g. when refusing a WebSocket upgrade.
protocol RenderedError: Error {
    var status: HTTPResponse.Status { get }
    var renderedHeaders: HTTPFields { get }
    var renderedBody: ByteBuffer { get }
}

extension RenderedError {
    var renderedResponse: Response {
        Response(status: status, headers: renderedHeaders, body: .init(byteBuffer: renderedBody))
    }
}

/// A plain-text error, for the room endpoints where the Go service answered with text.
struct TextError: HTTPResponseError, RenderedError {
    let status: HTTPResponse.Status
    let message: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        renderedResponse
    }

    var renderedHeaders: HTTPFields { [.contentType: "text/plain; charset=utf-8"] }
    var renderedBody: ByteBuffer { ByteBuffer(string: message) }
}

extension JSONEncoder {
    /// Deterministic output for responses and frames.
    static let sortedKeys: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

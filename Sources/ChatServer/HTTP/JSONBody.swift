import ChatCore
import Foundation
import Hummingbird

/// Reads a small JSON request body, refusing oversize bodies before parsing and
/// naming the field at fault when a value has the wrong type.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            throw TextError(status: .contentTooLarge, message: "request body exceeds \(context.maxUploadSize) bytes")
        }
        guard buffer.readableBytes > 0 else { throw ChatError.invalid("body", "request body is empty; expected a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw ChatError.invalid("body", "request body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> ChatError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = fieldName(context.codingPath)
            if context.codingPath.isEmpty { return ChatError.invalid("body", "request body must be a JSON object") }
            return ChatError.invalid(field, "\(field) must be a \(type == String.self ? "string" : "\(type)")")
        case .valueNotFound(_, let context):
            let field = fieldName(context.codingPath)
            return ChatError.required(field)
        case .keyNotFound(let key, _):
            return ChatError.required(key.stringValue)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return ChatError.invalid("body", "request body is not valid JSON") }
            let field = fieldName(context.codingPath)
            return ChatError.invalid(field, "\(field) is malformed")
        @unknown default:
            return ChatError.invalid("body", "request body is not valid JSON")
        }
    }

    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.map(\.stringValue).joined(separator: ".")
    }
}

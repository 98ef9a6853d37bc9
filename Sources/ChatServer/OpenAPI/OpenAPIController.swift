import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI document of both services (`OpenAPIDocument`),
/// served by each of them.
struct OpenAPIController {
    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
    }
}

/// The OpenAPI 3.1 document of the chat and notification services: the file
/// `openapi.json` beside this one, embedded in the binary at build time (SwiftPM's
/// `embedInCode`), so the served document is the one in the repository.
enum OpenAPIDocument {
    /// The document's bytes, exactly as in the file.
    static var bytes: [UInt8] { PackageResources.openapi_json }
}

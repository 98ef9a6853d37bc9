import ChatCore
import Hummingbird

/// The request context of the chat and notification services, carrying the
/// authenticated identity once `AuthMiddleware` has run.
public struct ChatRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` on protected routes.
    public var identity: Identity?
    /// The client's IP address as this server sees it (the TCP peer; a proxy in front
    /// makes this the proxy: forwarded headers are not trusted).
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// JSON request bodies are small; anything larger is refused before parsing.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The identity, or a 401 if the route forgot its middleware.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw ChatError.unauthorized("missing or malformed jwt") }
        return identity
    }
}

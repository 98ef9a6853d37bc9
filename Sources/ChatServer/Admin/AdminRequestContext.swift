import ChatCore
import Hummingbird

/// The request context of the operator API, carrying the verified operator token once
/// `OperatorAuthMiddleware` has run (it runs before every route, and before "not found").
public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `OperatorAuthMiddleware`.
    public var operatorClaims: OperatorClaims?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.operatorClaims = nil
    }

    /// Operator requests are small; anything larger is refused before parsing.
    public var maxUploadSize: Int { 64 * 1024 }
}

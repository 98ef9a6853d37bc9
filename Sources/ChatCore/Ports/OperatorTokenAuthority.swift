/// Issues and verifies operator tokens: what `chatctl` presents to a node's operator API.
///
/// They are a kind of their own: no user token passes for one, and the user-token
/// authority (`TokenAuthority`) refuses every operator token, so neither opens the
/// other's door even though both are signed with the same secret.
public protocol OperatorTokenAuthority: Sendable {
    /// A short-lived token naming `subject` (who asks), valid for the authority's lifetime.
    func issue(subject: String) async throws -> String
    /// The claims of a valid operator token; throws `ChatError.unauthorized` saying why otherwise.
    func verify(_ token: String) async throws -> OperatorClaims
}

import Foundation

/// What a verified operator token carries: who signed it and when it stops being valid.
/// Operator tokens open a node's operator API only; they name no user.
public struct OperatorClaims: Sendable, Hashable {
    /// Who asked (`user@host` of the `chatctl` process that signed it), for the node's log.
    public var subject: String
    public var issuedAt: Date
    public var expiresAt: Date

    public init(subject: String, issuedAt: Date, expiresAt: Date) {
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// A libmongoc failure as a typed Swift error, with credentials redacted.
public struct MongoError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection string is malformed.
        case invalidURI
    }

    public let kind: Kind
    /// libmongoc's message, with any password removed.
    public let message: String

    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

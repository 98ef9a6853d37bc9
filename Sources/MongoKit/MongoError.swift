import CMongoC

/// A libmongoc failure as a typed Swift error, with credentials redacted.
public struct MongoError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection string is malformed.
        case invalidURI
        /// No server could be reached in time (server selection, connect, socket timeout).
        case unavailable
        /// A unique index refused the write (server code 11000).
        case duplicateKey
        /// The server refused a command; `code` is the server's error code.
        case commandFailed(code: Int)
        /// A document could not be encoded or decoded.
        case invalidDocument
        /// The client was closed.
        case closed
    }

    public let kind: Kind
    /// libmongoc's (or the server's) message, with any password removed.
    public let message: String

    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Maps a `bson_error_t` (domain, code, message) to a typed error.
    init(_ error: bson_error_t, redacting uri: String) {
        var error = error
        let text = MongoURI.redact(MongoURI.message(of: &error), secretsFrom: uri)
        switch (error.domain, error.code) {
        case (_, 11000), (_, 11001), (_, 12582):
            self.init(.duplicateKey, message: text)
        case (UInt32(MONGOC_ERROR_SERVER_SELECTION.rawValue), _), (UInt32(MONGOC_ERROR_STREAM.rawValue), _):
            self.init(.unavailable, message: text)
        case (UInt32(MONGOC_ERROR_SERVER.rawValue), let code), (UInt32(MONGOC_ERROR_WRITE_CONCERN.rawValue), let code):
            self.init(.commandFailed(code: Int(code)), message: text)
        case (UInt32(MONGOC_ERROR_BSON.rawValue), _):
            self.init(.invalidDocument, message: text)
        default:
            self.init(.commandFailed(code: Int(error.code)), message: text)
        }
    }
}

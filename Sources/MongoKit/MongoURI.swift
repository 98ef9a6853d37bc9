import CMongoC
import Foundation

/// A MongoDB connection string, parsed and checked by libmongoc itself
/// (`mongoc_uri_new_with_error`), so what is accepted here is what the driver accepts.
public struct MongoURI: Sendable, CustomStringConvertible {
    /// The string as given. Never log it: use `redacted`.
    public let string: String
    /// The database named in the path, if any.
    public let database: String?
    /// `host:port` of each seed.
    public let hosts: [String]

    /// - Throws: `MongoError.invalidURI` with libmongoc's reason (password redacted).
    public init(_ string: String) throws {
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(string, &error) else {
            throw MongoError(.invalidURI, message: "invalid MongoDB URI \(MongoURI.redact(string)): \(MongoURI.redact(Self.message(of: &error), secretsFrom: string))")
        }
        defer { mongoc_uri_destroy(uri) }
        self.string = string
        self.database = mongoc_uri_get_database(uri).map { String(cString: $0) }
        var hosts: [String] = []
        var host = mongoc_uri_get_hosts(uri)
        while let current = host {
            hosts.append(withUnsafeBytes(of: current.pointee.host_and_port) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            })
            host = UnsafePointer(current.pointee.next)
        }
        self.hosts = hosts
    }

    /// The URI with its password replaced by `<redacted>`.
    public var redacted: String { MongoURI.redact(string) }

    public var description: String { redacted }

    /// Replaces the password of a `mongodb://user:password@…` string.
    public static func redact(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri }
        let rest = uri[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return uri }
        return String(uri[..<colon]) + ":<redacted>" + String(rest[at...])
    }

    /// Removes the password of `uri` wherever it appears in `text`.
    static func redact(_ text: String, secretsFrom uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return text }
        let rest = uri[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return text }
        let password = String(rest[rest.index(after: colon)..<at])
        guard !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "<redacted>")
    }

    /// `bson_error_t.message` (a C char array, imported as a tuple).
    static func message(of error: inout bson_error_t) -> String {
        withUnsafeBytes(of: &error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// Facts about the linked C library.
public enum MongoKit {
    /// libmongoc's version, e.g. `1.23.1`.
    public static var libraryVersion: String { String(cString: mongoc_get_version()) }
}

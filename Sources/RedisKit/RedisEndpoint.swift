import CHiredis
import Foundation

/// Where a Redis server is, from the Go system's `REDIS_URI=host:port` or a
/// `redis://[:password@]host[:port][/db]` URL.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int

    public init(host: String, port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// - Throws: `RedisEndpointError` saying what is wrong (the password never appears).
    public init(parsing text: String) throws(RedisEndpointError) {
        var rest = Substring(text)
        var password: String?
        var database = 0
        if rest.hasPrefix("redis://") {
            rest = rest.dropFirst("redis://".count)
            if let at = rest.lastIndex(of: "@") {
                let credentials = rest[..<at]
                // `:password` or `user:password` (Redis 6 ACL users are not supported yet).
                if let colon = credentials.firstIndex(of: ":") {
                    password = String(credentials[credentials.index(after: colon)...]).percentDecoded
                } else if !credentials.isEmpty {
                    password = String(credentials).percentDecoded
                }
                rest = rest[rest.index(after: at)...]
            }
            if let slash = rest.firstIndex(of: "/") {
                let path = rest[rest.index(after: slash)...]
                if !path.isEmpty {
                    guard let number = Int(path), number >= 0 else { throw RedisEndpointError("database '\(path)' is not a number") }
                    database = number
                }
                rest = rest[..<slash]
            }
        } else if rest.contains("://") {
            throw RedisEndpointError("scheme must be redis:// (or give host:port)")
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw RedisEndpointError("port '\(rest[rest.index(after: colon)...])' is not a port number")
            }
            port = number
        }
        guard !host.isEmpty else { throw RedisEndpointError("host is missing") }
        self.init(host: host, port: port, password: password, database: database)
    }

    /// `redis://[:<redacted>@]host:port/db`.
    public var description: String {
        "redis://\(password == nil ? "" : ":<redacted>@")\(host):\(port)/\(database)"
    }
}

/// Why a Redis address could not be parsed.
public struct RedisEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "invalid Redis address: \(description)" }
}

/// Facts about the linked C library.
public enum RedisKit {
    /// hiredis's version, e.g. `0.14.1`.
    public static var libraryVersion: String { "\(HIREDIS_MAJOR).\(HIREDIS_MINOR).\(HIREDIS_PATCH)" }
}

extension String {
    /// `%XX` sequences decoded; the text unchanged when they are malformed.
    var percentDecoded: String { removingPercentEncoding ?? self }
}

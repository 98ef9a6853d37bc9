import Foundation
import MongoKit

/// A store named on a command line (`chatctl db copy --to/--from`): the one parser of
/// store addresses. `mongodb://…` (or `mongodb+srv://…`) is MongoDB, checked by libmongoc
/// itself; `sqlite:PATH` is a SQLite file (`sqlite:///abs/path` is read as `/abs/path`).
extension StoreBackend.Location: CustomStringConvertible {
    /// - Parameter database: the MongoDB database (ignored for SQLite).
    /// - Throws: `BackendError` `.invalidAddress` saying what is wrong (credentials redacted).
    public init(address: String, database: String) throws(BackendError) {
        let text = address.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("mongodb://") || text.hasPrefix("mongodb+srv://") {
            do {
                _ = try MongoURI(text)
            } catch let error as MongoError {
                throw BackendError(.mongoDB, .invalidAddress, target: "mongodb", reason: error.message)
            } catch {
                throw BackendError(.mongoDB, .invalidAddress, target: "mongodb", reason: "invalid MongoDB URI \(MongoURI.redact(text))")
            }
            guard !database.isEmpty, database.utf8.count < 64, !database.contains(where: { "/\\. \"$".contains($0) }) else {
                throw BackendError(.mongoDB, .invalidAddress, target: MongoURI.redact(text), reason: "'\(database)' is not a MongoDB database name")
            }
            self = .mongoDB(uri: text, database: database)
        } else if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw BackendError(.sqlite, .invalidAddress, target: text, reason: "sqlite: needs the file's path (sqlite:/var/lib/chatctl/chatctl.sqlite)")
            }
            self = .sqlite(path: path)
        } else {
            throw BackendError(
                .sqlite, .invalidAddress, target: MongoURI.redact(text),
                reason: "'\(MongoURI.redact(text))' is not a store address: give mongodb://HOST[:PORT]/… or sqlite:PATH")
        }
    }

    /// Where, credentials redacted: `sqlite:PATH` or `mongodb://… (database D)`.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .mongoDB(let uri, let database): "\(MongoURI.redact(uri)) (database \(database))"
        }
    }

    /// Whether both name one store: the same SQLite file (after resolving the path and
    /// its symbolic links), or the same MongoDB database on the same hosts.
    public func isSameStore(as other: Self) -> Bool {
        switch (self, other) {
        case (.sqlite(let one), .sqlite(let two)):
            return Self.resolved(one) == Self.resolved(two)
        case (.mongoDB(let one, let firstDatabase), .mongoDB(let two, let secondDatabase)):
            return firstDatabase == secondDatabase && Self.hosts(one) == Self.hosts(two)
        default:
            return false
        }
    }

    /// An absolute path without `.`, `..` or symbolic links (as far as they exist).
    static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// A URI's seeds, `localhost` read as 127.0.0.1 (the URI itself when libmongoc lists
    /// none, as for `mongodb+srv://` before resolution).
    static func hosts(_ uri: String) -> Set<String> {
        guard let parsed = try? MongoURI(uri), !parsed.hosts.isEmpty else { return [MongoURI.redact(uri)] }
        return Set(parsed.hosts.map { host in
            let lowered = host.lowercased()
            return lowered.hasPrefix("localhost:") ? "127.0.0.1" + lowered.dropFirst("localhost".count) : lowered
        })
    }
}

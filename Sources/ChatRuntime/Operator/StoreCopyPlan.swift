import ChatBackends
import ChatCore
import Foundation

/// Which store `chatctl db copy` reads and which it writes, resolved from the settings
/// and the command line before anything is opened: `--to ADDRESS` copies the configured
/// store there, `--from ADDRESS` copies from there into the configured store, both name
/// both. An address is parsed by `StoreBackend.Location(address:database:)`, the one
/// parser of store addresses.
public struct StoreCopyPlan: Sendable {
    let source: StoreBackend.Location
    let target: StoreBackend.Location
    /// The options that named each side (nil: the configured store).
    let sourceOption: String?
    let targetOption: String?

    /// Where the copy reads (credentials redacted).
    public var sourceName: String { source.description }
    /// Where the copy writes (credentials redacted).
    public var targetName: String { target.description }

    /// Why a copy is refused before anything is opened, naming the option at fault.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String

        init(_ description: String) { self.description = description }
    }

    /// - Parameter database: the MongoDB database of the given addresses (nil: the
    ///   configured `mongo.database`, `DATABASE_NAME`, `chat_app` by default).
    /// - Throws: `Refusal` when neither address is given, one does not parse, the two
    ///   sides are the same store, or the SQLite file to read does not exist.
    public static func resolve(settings: Settings, from: String?, to: String?, database: String?) throws(Refusal) -> StoreCopyPlan {
        guard from != nil || to != nil else {
            throw Refusal("give --to ADDRESS (copy the configured store there) or --from ADDRESS (copy from there into the configured store)")
        }
        let configured = BackendWiring.storeLocation(settings)
        let name = database ?? settings.mongoDatabase
        var source = configured
        var target = configured
        if let from { source = try location(from, option: "--from", database: name) }
        if let to { target = try location(to, option: "--to", database: name) }
        guard !source.isSameStore(as: target) else {
            throw Refusal("the source and the target are the same store (\(source)): give another --to or --from")
        }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            throw Refusal("\(from == nil ? "the configured store" : "--from"): there is no SQLite store at \(path) to copy")
        }
        return StoreCopyPlan(
            source: source, target: target, sourceOption: from == nil ? nil : "--from", targetOption: to == nil ? nil : "--to")
    }

    private static func location(_ address: String, option: String, database: String) throws(Refusal) -> StoreBackend.Location {
        do throws(BackendError) {
            return try StoreBackend.Location(address: address, database: database)
        } catch {
            throw Refusal("\(option): \(error.reason)")
        }
    }
}

import Foundation

/// Where the MongoDB tests find a server: `MONGODB_TEST_URI` (a real mongod, or the
/// stand-in that `scripts/test.sh` starts). In CI a missing server is a failure;
/// locally the tests are skipped with a message saying what to start.
public enum MongoTestServer {
    public static var uri: String? {
        ProcessInfo.processInfo.environment["MONGODB_TEST_URI"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Run the MongoDB tests when a server is given, and always in CI (where they fail without one).
    public static var shouldRun: Bool { uri != nil || isCI }

    public static let skipReason =
        "no MongoDB: run scripts/test.sh (starts ../shared/mongo-standin) or set MONGODB_TEST_URI=mongodb://127.0.0.1:PORT"

    public static func requireURI() throws -> String {
        guard let uri else { throw Missing() }
        return uri
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "MONGODB_TEST_URI is not set (CI=true): the test script must start a MongoDB server" }
    }

    /// A database name no other test uses.
    public static func freshDatabase() -> String { "chatctl_test_\(UUID().uuidString.prefix(8).lowercased())" }
}
